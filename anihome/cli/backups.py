"""``anihome backup`` (make one now), ``anihome backup list`` and ``anihome backup restore FILE``."""
from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    @cli.group(invoke_without_command=True)
    @click.pass_context
    def backup(ctx):
        """Back up the database now (prints the new file), or list and restore backups."""
        if ctx.invoked_subcommand is not None:
            return
        from ..jobs.backup import JOB_ID, backup_dir
        from .context import app_context
        from .jobs import _run_and_report

        with app_context() as app:
            run = _run_and_report(app, JOB_ID, summary_to_stderr=True)
            click.echo(str(backup_dir(app.config) / run.progress_text))

    @backup.command("list")
    @click.option("--check", is_flag=True, help="Check each backup again now: PRAGMA integrity_check (slow on big "
                  "files), pg_restore --list for a PostgreSQL .dump.")
    def list_backups(check):
        """Every backup, newest first: name, when it was made (UTC), size, schema version."""
        from ..config import load_settings
        from ..ops.backups import list_backups as found
        from ..ops.integrity import check_file
        from ..ops.pg_backups import DUMP_SUFFIX, verify_dump
        from ..ops.pg_restore import archive_schema
        from ..ops.restore import backup_folder, schema_of

        def schema(path):
            return archive_schema(path) if path.suffix == DUMP_SUFFIX else schema_of(path)

        def checked(path):
            return (verify_dump(path) if path.suffix == DUMP_SUFFIX else check_file(path)).detail

        folder = backup_folder(load_settings())
        backups = found(folder)
        if not backups:
            click.echo(f"no backups in {folder}")
            return
        rows = [("NAME", "MADE (UTC)", "SIZE", "SCHEMA") + (("CHECK",) if check else ())]
        for item in backups:
            row = (item.name, item.made.strftime("%Y-%m-%d %H:%M"), f"{item.size / 1048576:.1f} MB",
                   str(schema(item.path)))
            rows.append(row + ((checked(item.path)[:60],) if check else ()))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        click.echo(f"\nfolder: {folder}\nrestore one with: anihome backup restore NAME")

    @backup.command("restore")
    @click.argument("file")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def restore(file, yes):
        """Replace the database with backup FILE (a name from `backup list`, or a path).

        The server must be stopped. The backup is verified first, the replaced database is
        kept in <data dir>/replaced/, and the restored one is migrated to this AniHome's schema.
        On PostgreSQL, FILE is a .dump: the replaced database is kept as a pg_dump archive and
        the backup is loaded in one transaction (nothing changes when it fails).
        """
        from ..config import load_settings
        from ..db import is_postgres_url
        from ..migrations import current_version, head_version
        from ..ops.pg_restore import restore_pg_backup
        from ..ops.restore import RestoreError, find_backup, restore_backup
        from .context import app_context

        settings = load_settings()
        # PostgreSQL: a .dump, loaded in one transaction
        restore = restore_pg_backup if is_postgres_url(settings.get("DATABASE_URL")) else restore_backup
        try:
            source = find_backup(settings, file)
        except RestoreError as exc:
            raise click.ClickException(str(exc)) from None
        if not yes:
            click.confirm(f"Replace the database in {settings['DATA_DIR']} with {source.name}? "
                          "Changes made since that backup will be gone", abort=True)
        try:
            result = restore(settings, str(source), head_version())
        except RestoreError as exc:
            raise click.ClickException(str(exc)) from None
        with app_context() as app:
            version = current_version(app.extensions["anihome.db"])
        click.echo(f"restored {result.restored_from.name} (schema {result.schema_version}, now {version})")
        if result.replaced_by:
            click.echo(f"the replaced database is in {result.replaced_by}")

"""``anihome export-household FILE`` and ``anihome import-household FILE [--dry-run]``."""
from __future__ import annotations

from pathlib import Path

import click


def register(cli: click.Group) -> None:
    @cli.command("export-household")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    def export_household(file):
        """Write the whole household into one archive FILE (.zip): database snapshot, each member's
        MAL XML and JSON export, settings without secrets."""
        from ..ops.household import ArchiveError, export_household as export
        from .context import app_context

        with app_context() as app:
            try:
                summary = export(app.config["ANIHOME_SETTINGS"], file)
            except ArchiveError as exc:
                raise click.ClickException(str(exc)) from None
        click.echo(f"wrote {summary.path} ({summary.size / 1048576:.1f} MB, {len(summary.members)} members: "
                   f"{', '.join(summary.members) or '-'})")

    @cli.command("import-household")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Only show what would change.")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def import_household(file, dry_run, yes):
        """Replace this household with the one in archive FILE (server stopped). The replaced
        database is kept in <data dir>/replaced/."""
        from ..config import load_settings
        from ..migrations import current_version, head_version
        from ..ops.household import import_household as do_import
        from ..ops.household import plan_import
        from ..ops.restore import RestoreError
        from .context import app_context

        settings = load_settings()
        try:
            plan = plan_import(settings, file)
        except RestoreError as exc:
            raise click.ClickException(str(exc)) from None
        manifest = plan.manifest
        click.echo(f"archive: {file} (AniHome {manifest.get('anihome_version')}, schema "
                   f"{manifest.get('schema_version')}, made {manifest.get('created_at')})")
        click.echo(f"members in the archive: {', '.join(manifest.get('members', [])) or '-'}")
        click.echo(f"members added: {', '.join(plan.members_added) or '-'}")
        click.echo(f"members removed: {', '.join(plan.members_removed) or '-'}")
        for table, (now, after) in plan.counts.items():
            click.echo(f"  {table}: {'-' if now is None else now} -> {after}")
        if dry_run:
            click.echo("dry run: nothing was changed")
            return
        if not yes:
            click.confirm("Replace this household's database with the archive's", abort=True)
        try:
            result = do_import(settings, file, head_version())
        except RestoreError as exc:
            raise click.ClickException(str(exc)) from None
        with app_context() as app:
            version = current_version(app.extensions["anihome.db"])
        click.echo(f"imported {file.name} (schema {result.schema_version}, now {version})")
        if result.replaced_by:
            click.echo(f"the replaced database is in {result.replaced_by}")

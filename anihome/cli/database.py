"""``anihome db copy --to URL``: move the household's database to PostgreSQL (or back to SQLite);
``anihome db fix-sequences``: move PostgreSQL id sequences that are behind their tables."""
from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    @cli.group("db")
    def db_group():
        """The database itself: copy it to another engine, fix PostgreSQL's id sequences."""

    @db_group.command("copy")
    @click.option("--to", "url", required=True, metavar="URL",
                  help="An empty target: postgresql://user:password@host:port/name, or a new SQLite file path.")
    def copy(url):
        """Copy every table of the configured database into an empty one, counts verified per table.

        Stop the server first. Afterwards point ANIHOME_DATABASE_URL at the target (or, back on
        SQLite, put the file at <data dir>/anihome.db and clear the URL) and start AniHome."""
        from ..ops.dbcopy import CopyError, copy_database, describe, open_target
        from .context import app_context

        label = describe(url)
        try:
            target = open_target(url)
        except CopyError as exc:
            raise click.ClickException(str(exc)) from None
        with app_context() as app:
            source = app.extensions["anihome.db"]
            try:
                result = copy_database(source, target, label)
            except CopyError as exc:
                raise click.ClickException(str(exc)) from None
            finally:
                if not target.is_closed():
                    target.close()
        width = max(len(name) for name in result.counts) if result.counts else 5
        for name, rows in result.counts.items():
            click.echo(f"{name:<{width}}  {rows:>9}  ok")
        click.echo(f"Copied {result.rows} rows in {len(result.counts)} tables to {label} (schema "
                   f"{result.schema_version}; counts match; search index rebuilt: {result.search_rows} releases).")

    @db_group.command("fix-sequences")
    def fix_sequences():
        """Move each PostgreSQL id sequence that is behind its table's highest id (anihome doctor's fix).

        After a restore or a copy by hand that left a sequence behind, every new row of that
        table fails with a duplicate key. Sequences ahead of their tables are left as they are."""
        from ..db import is_postgres
        from ..ops.pg_checks import reset_sequences
        from .context import app_context

        with app_context(migrate=False) as app:
            database = app.extensions["anihome.db"]
            if not is_postgres(database):
                raise click.ClickException("only a PostgreSQL database (DATABASE_URL) has id sequences to fix")
            with database.atomic():
                moved = reset_sequences(database)
        for item in moved:
            click.echo(f"{item.sequence}: {item.next_value} -> {item.max_id + 1} ({item.table}.{item.column} "
                       f"is at {item.max_id})")
        click.echo(f"{len(moved)} sequence(s) moved." if moved else "Every id sequence is ahead of its table; nothing to do.")

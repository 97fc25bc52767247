"""``anihome serve`` and ``anihome migrate``."""
from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    @cli.command()
    @click.option("--host", default=None, help="Address to listen on (default: HOST setting).")
    @click.option("--port", type=int, default=None, help="Port (default: PORT setting).")
    @click.option("--no-scheduler", is_flag=True, help="Do not run scheduled jobs in this process.")
    def serve(host, port, no_scheduler):
        """Migrate the database, start the scheduler and serve the web UI and API."""
        from ..serving.server import run_server

        run_server(host=host, port=port, scheduler=not no_scheduler)

    @cli.command()
    def migrate():
        """Apply pending database migrations (after a backup)."""
        from ..migrations import current_version
        from .context import app_context

        with app_context() as app:
            click.echo(f"schema version {current_version(app.extensions['anihome.db'])}")

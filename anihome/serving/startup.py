"""Start-up steps shared by run.py and the CLI: migrate (backing up first) and serve."""
from __future__ import annotations

import logging
from pathlib import Path

from .. import db
from ..migrations import MigrationError, current_version, migrate
from ..migrations.backup import backup_sqlite

log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """Start-up cannot go on; the message says why and what to do."""


def prepare_database(app) -> list[int]:
    """Apply pending migrations, backing up a non-empty SQLite database first."""
    settings = app.config["ANIHOME_SETTINGS"]
    database = app.extensions["anihome.db"]

    def backup(version: int) -> None:
        path = db.sqlite_path(settings)
        if db.is_sqlite(database) and version > 0 and path.exists():
            backup_sqlite(path, Path(settings["DATA_DIR"]) / "backups",
                          f"pre-migration-v{version}", settings["BACKUP_KEEP"])

    with database.connection_context():
        try:
            applied = migrate(database, before=backup)
        except MigrationError as exc:
            raise StartupError(str(exc)) from exc
        if applied:
            log.info("migrated to_version=%s applied=%s", current_version(database), applied)
    return applied


def serve(app, host: str | None = None, port: int | None = None, scheduler: bool = True) -> None:
    """Start the job scheduler (unless disabled) and serve the app with waitress until stopped."""
    from waitress import serve as waitress_serve

    from ..jobs.runner import mark_interrupted_runs
    from ..jobs.scheduler import start_scheduler, stop_scheduler

    host = host or app.config["HOST"]
    port = port or app.config["PORT"]
    mark_interrupted_runs(app)
    if scheduler:
        start_scheduler(app)
    log.info("serving host=%s port=%s", host, port)
    try:
        waitress_serve(app, host=host, port=port, threads=app.config["THREADS"],
                       ident="AniHome", clear_untrusted_proxy_headers=True)
    finally:
        stop_scheduler(app)

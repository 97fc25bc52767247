"""Start-up steps shared by run.py and the CLI: check the database, migrate (backing up first), serve.

``prepare_database`` refuses a database that is empty, not SQLite, damaged (``quick_check``),
from a newer AniHome, or missing what its migrations created (``anihome.ops.guards``); each
refusal is a ``StartupError`` whose message names the file and the backup to restore. On
PostgreSQL the schema guards are the same; the sound-database check there
(``ops.pg_checks.live_check``: id sequences, invalid indexes) reports to health and the admin
banner instead of refusing, since serving reads works and doctor names the fix.
"""
from __future__ import annotations

import logging
from pathlib import Path

from .. import db
from ..migrations import MigrationError, current_version, forget_imported, head_version, migrate
from ..kodik.settings import move_token_out_of_database
from ..migrations.backup import backup_sqlite
from ..ops.backups import BackupError
from ..ops.diskspace import is_disk_full
from ..ops.guards import GuardError, check_database_file, check_schema_version, verify_schema
from ..ops.dbcopy import describe
from ..ops.health import check_postgres, record_startup_check
from ..security.file_modes import make_private, warn_if_loose

log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """Start-up cannot go on; the message says why and what to do."""


def prepare_database(app) -> list[int]:
    """Check the database, then apply pending migrations, backing up a non-empty SQLite database first."""
    settings = app.config["ANIHOME_SETTINGS"]
    database = app.extensions["anihome.db"]
    sqlite = db.is_sqlite(database)
    path = db.sqlite_path(settings)

    def backup(version: int) -> None:
        if sqlite and version > 0 and path.exists():
            try:
                backup_sqlite(path, Path(settings["DATA_DIR"]) / "backups", "pre-migration",
                              settings["BACKUP_KEEP"], version=version)
            except BackupError as exc:
                raise StartupError(f"cannot make the backup taken before migrating, so nothing was "
                                   f"migrated: {exc}") from exc

    created = sqlite and not path.exists()
    try:
        if sqlite:
            check_database_file(path, settings, quick_check=settings["STARTUP_QUICK_CHECK"])
        with database.connection_context():
            check_schema_version(current_version(database), head_version())
            try:
                applied = migrate(database, before=backup)
            except MigrationError as exc:
                if is_disk_full(exc):
                    raise StartupError(f"disk full: migrating {path} needs free space on its disk; free some "
                                       "and start again (the database was left as it was)") from exc
                raise StartupError(str(exc)) from exc
            if applied:
                log.info("migrated to_version=%s applied=%s", current_version(database), applied)
            if db.is_postgres(database):
                from ..catalog.search_pg import ensure_schema

                if ensure_schema(database):
                    log.info("postgres_search status=created")
            missing = verify_schema(database) if sqlite or db.is_postgres(database) else []
            if missing:
                where = path if sqlite else f"the database at {describe(settings['DATABASE_URL'])}"
                raise GuardError(f"{where} says it is at schema {current_version(database)} but lacks "
                                 f"{', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}; it was "
                                 "probably made by an edited migration. Restore a backup "
                                 "(anihome backup list) or ask for help; AniHome will not use it as it is.")
            move_token_out_of_database(settings)
        if created:  # SQLite made it with the umask's mode; -wal/-shm were made alike
            make_private(path, f"{path}-wal", f"{path}-shm")
    except GuardError as exc:
        raise StartupError(str(exc)) from exc
    record_startup_check(app)
    if db.is_postgres(database) and settings["STARTUP_QUICK_CHECK"]:
        check_postgres(app, use_amcheck=False)  # problems go to health and the admin banner
    warn_if_loose(settings["DATA_DIR"])
    forget_imported()  # the migrations are done with: their table definitions need not stay in memory
    return applied


def serve(app, host: str | None = None, port: int | None = None, scheduler: bool = True) -> None:
    """Start the job scheduler (unless disabled) and serve the app with waitress until stopped."""
    from waitress import serve as waitress_serve

    from ..jobs.runner import mark_interrupted_runs
    from ..jobs.scheduler import start_scheduler, stop_scheduler
    from ..ops.memory import start_trimming

    host = host or app.config["HOST"]
    port = port or app.config["PORT"]
    mark_interrupted_runs(app)
    if scheduler:
        start_scheduler(app)
    trimming = start_trimming(app.config["MALLOC_TRIM_SECONDS"])
    log.info("serving host=%s port=%s", host, port)
    try:
        waitress_serve(app, host=host, port=port, threads=app.config["THREADS"],
                       ident="AniHome", clear_untrusted_proxy_headers=True)
    finally:
        if trimming is not None:
            trimming.set()
        stop_scheduler(app)

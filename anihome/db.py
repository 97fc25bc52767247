"""The database: a late-bound Peewee proxy, SQLite pragmas, and a connection per request.

Models bind to ``database`` (a ``DatabaseProxy``); ``open_database`` builds the real
database from settings and ``init_app`` binds it to a Flask app. Jobs and the CLI use
``database.connection_context()``. Writes that must not wait behind another writer go
through ``write_transaction()``, which takes SQLite's write lock up front
(BEGIN IMMEDIATE) so the busy timeout applies instead of a "database is locked" error.
"""
from __future__ import annotations

import logging
from pathlib import Path

from peewee import Database, DatabaseProxy, SqliteDatabase

log = logging.getLogger(__name__)

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "cache_size": -8000,
    "temp_store": "memory",
}


def sqlite_path(settings: dict) -> Path:
    return Path(settings["DATA_DIR"]) / "anihome.db"


def open_database(settings: dict) -> Database:
    """Build the configured database (SQLite in the data dir unless DATABASE_URL is set)."""
    if settings.get("DATABASE_URL"):
        from playhouse.db_url import connect

        return connect(settings["DATABASE_URL"])
    from playhouse.pool import PooledSqliteDatabase

    from .security.file_modes import private_dir

    path = sqlite_path(settings)
    private_dir(path.parent)  # the file itself is made private by start-up (serving.startup)
    # A small pool: opening a connection re-reads the schema and applies the pragmas (measured in
    # docs/benchmarks.md), so request threads and jobs reuse connections. close() returns one.
    return PooledSqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=5, check_same_thread=False,
                                max_connections=settings["THREADS"] + 8, stale_timeout=600)


def bind(db: Database) -> None:
    """Point every model at ``db``."""
    database.initialize(db)


def close_all(db: Database) -> None:
    """Close every connection, pooled ones included (tests, shutdown, before restoring a backup)."""
    if hasattr(db, "close_all"):
        db.close_all()
    elif not db.is_closed():
        db.close()


def is_sqlite(db: Database | DatabaseProxy = database) -> bool:
    target = db.obj if isinstance(db, DatabaseProxy) else db
    return isinstance(target, SqliteDatabase)


def portable_sql(text: str, db: Database | DatabaseProxy = database) -> str:
    """Our raw SQL uses ``?`` placeholders; databases with another style get theirs."""
    target = db.obj if isinstance(db, DatabaseProxy) else db
    param = getattr(target, "param", "?") if target is not None else "?"
    return text if param == "?" else text.replace("?", param)


def write_transaction():
    """A transaction that takes the write lock at once on SQLite (BEGIN IMMEDIATE)."""
    if is_sqlite():
        return database.atomic("IMMEDIATE")
    return database.atomic()


def init_app(app) -> None:
    """Return the request's connection to the pool on teardown.

    A request takes a connection on its first query (Peewee's autoconnect), so an answer
    served from the cache never touches the pool."""

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            database.close()

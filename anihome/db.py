"""The database: a late-bound Peewee proxy, SQLite pragmas, and a connection per request.

Models bind to ``database`` (a ``DatabaseProxy``); ``open_database`` builds the real
database from settings (SQLite in the data dir, or PostgreSQL from
``DATABASE_URL=postgresql://...``, pooled alike) and ``init_app`` binds it to a Flask app.
``is_sqlite`` / ``is_postgres`` are for the few modules that own dialect-specific SQL (search
index, backups, integrity checks); views and services never branch on the engine. Jobs and the CLI use
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


#: prepared statements each connection keeps (Python's default is 128); measured in
#: docs/benchmarks.md (issue 17): 32 hold the request path's statements
SQLITE_STATEMENT_CACHE = 32


def sqlite_pragmas(settings: dict) -> dict:
    """SQLITE_PRAGMAS plus the heap SQLite aims to stay under in the whole process
    (``SQLITE_SOFT_HEAP_LIMIT_MB``, 0 for none): past it, connections reuse the pages they
    cache instead of allocating more."""
    pragmas = dict(SQLITE_PRAGMAS)
    if settings["SQLITE_SOFT_HEAP_LIMIT_MB"] > 0:
        pragmas["soft_heap_limit"] = settings["SQLITE_SOFT_HEAP_LIMIT_MB"] * 1024 * 1024
    return pragmas


def sqlite_path(settings: dict) -> Path:
    return Path(settings["DATA_DIR"]) / "anihome.db"


POSTGRES_SCHEMES = ("postgres", "postgresql")


#: Column types as SQLite stores them: 64-bit integers and ids, double-precision floats
#: (Peewee's PostgreSQL defaults are 32-bit INTEGER/SERIAL and 4-byte REAL, which would
#: round a rating of 8.4 to 8.3999996 and overflow ids SQLite takes).
POSTGRES_FIELD_TYPES = {"INT": "BIGINT", "AUTO": "BIGSERIAL", "FLOAT": "DOUBLE PRECISION"}


class DatabaseURLError(RuntimeError):
    """DATABASE_URL names an engine AniHome cannot open (or its driver is missing)."""


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and url.split("://", 1)[0].lower() in POSTGRES_SCHEMES


def open_postgres(url: str, max_connections: int = 20) -> Database:
    """A pooled PostgreSQL database from ``postgresql://user:password@host:port/name?options``."""
    from urllib.parse import unquote

    from playhouse.db_url import parse
    from playhouse.pool import PooledPostgresqlDatabase

    from .serving.lean_imports import drivers_hidden

    if drivers_hidden():
        raise DatabaseURLError("this server was started for SQLite (without the PostgreSQL driver) and "
                               "cannot open PostgreSQL; start AniHome again with DATABASE_URL set")
    try:
        import psycopg2  # noqa: F401  (the driver Peewee uses; checked here for a plain message)
    except ImportError as exc:
        raise DatabaseURLError("DATABASE_URL points to PostgreSQL but its driver is not installed: "
                               "pip install -e '.[postgres]' (psycopg2-binary)") from exc
    _register_text_adapter()
    params = parse(url)
    for key in ("user", "password"):
        if key in params:
            params[key] = unquote(params[key])
    name = params.pop("database", None)
    if not name:
        raise DatabaseURLError("DATABASE_URL must name the database: postgresql://user:password@host:port/NAME")
    return PooledPostgresqlDatabase(name, max_connections=max_connections, stale_timeout=600,
                                    field_types=POSTGRES_FIELD_TYPES, **params)


def _register_text_adapter() -> None:
    """PostgreSQL text cannot hold NUL (U+0000), which SQLite stores and a member can type or
    import (notes, a hostile MyAnimeList file): psycopg2 would refuse the whole statement. NUL
    characters are dropped from every text value sent to PostgreSQL; nothing else changes."""
    from psycopg2.extensions import QuotedString, register_adapter

    def adapt(text: str):
        return QuotedString(text.replace("\x00", "") if "\x00" in text else text)

    register_adapter(str, adapt)


def open_database(settings: dict) -> Database:
    """Build the configured database (SQLite in the data dir unless DATABASE_URL is set)."""
    url = settings.get("DATABASE_URL")
    if url:
        if is_postgres_url(url):
            return open_postgres(url, settings["THREADS"] + 8)
        from playhouse.db_url import connect

        return connect(url)
    from playhouse.pool import PooledSqliteDatabase

    from .security.file_modes import private_dir

    path = sqlite_path(settings)
    private_dir(path.parent)  # the file itself is made private by start-up (serving.startup)
    # A small pool: opening a connection re-reads the schema and applies the pragmas (measured in
    # docs/benchmarks.md), so request threads and jobs reuse connections. close() returns one.
    return PooledSqliteDatabase(str(path), pragmas=sqlite_pragmas(settings), timeout=5, check_same_thread=False,
                                max_connections=settings["THREADS"] + 8, stale_timeout=600,
                                cached_statements=SQLITE_STATEMENT_CACHE)


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


def is_postgres(db: Database | DatabaseProxy = database) -> bool:
    from peewee import PostgresqlDatabase

    target = db.obj if isinstance(db, DatabaseProxy) else db
    return isinstance(target, PostgresqlDatabase)


def portable_sql(text: str, db: Database | DatabaseProxy = database) -> str:
    """Our raw SQL uses ``?`` placeholders; databases with another style get theirs."""
    target = db.obj if isinstance(db, DatabaseProxy) else db
    param = getattr(target, "param", "?") if target is not None else "?"
    return text if param == "?" else text.replace("?", param)


IN_BATCH = 500  # values per ``IN (...)`` list: far under every engine's parameter limit


def marks(n: int) -> str:
    """``n`` placeholders for an ``IN (...)`` list (``portable_sql`` adapts them)."""
    return ",".join("?" * n)


def select_in(sql_head: str, values: list, tail: str = "") -> list[tuple]:
    """Run ``sql_head IN (...) tail`` over ``values`` in batches of ``IN_BATCH``; all rows."""
    rows: list[tuple] = []
    for start in range(0, len(values), IN_BATCH):
        part = values[start:start + IN_BATCH]
        rows.extend(database.execute_sql(portable_sql(f"{sql_head} IN ({marks(len(part))}){tail}"), part).fetchall())
    return rows


def executemany(sql: str, rows, db: Database | DatabaseProxy = database) -> None:
    """Run ``sql`` (``?`` placeholders) once per row of ``rows``, in as few round trips as the
    driver allows: psycopg2's own executemany sends one statement per row (100 rows cost 100
    round trips), so on PostgreSQL pages of 500 statements go together (``execute_batch``)."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return
    if is_postgres(db):
        from psycopg2.extras import execute_batch

        with db.cursor() as cursor:
            execute_batch(cursor, portable_sql(sql, db), rows, page_size=500)
        return
    db.cursor().executemany(portable_sql(sql, db), rows)


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

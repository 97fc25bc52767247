"""``anihome db copy --to URL``: move a household's database to another engine (SQLite <-> PostgreSQL).

The target must be empty. It is migrated to the source's schema first (the same numbered
migrations, so the same tables on either engine), then every table is copied in foreign-key
order inside one target transaction, rows in primary-key order, values converted where the
engines store them differently (SQLite's 0/1 booleans, its text datetimes). The search
tables are derived data: they are rebuilt on the target (``reindex_releases``), not copied.
Every copied table's row count is compared between source and target before the
transaction commits; on PostgreSQL each id sequence is set past the highest copied id.
The source is read in one snapshot (stop the server first, so nothing is written after it).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from peewee import Database

from .. import db as dbmod
from ..migrations import current_version, head_version, migrate

log = logging.getLogger(__name__)

#: Rebuilt on the target by ``reindex_releases``; FTS5 shadow tables never leave SQLite.
DERIVED = {"release_search", "release_title", "release_title_search", "release_prefix", "schema_version"}
BATCH = 1000


class CopyError(RuntimeError):
    """The copy could not be made; the target was left as it was (empty)."""


@dataclass
class CopyResult:
    target: str
    schema_version: int
    counts: dict[str, int] = field(default_factory=dict)
    search_rows: int = 0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def open_target(url: str) -> Database:
    """A database for ``url``: ``postgresql://...``, ``sqlite:///path`` or a path to a SQLite file."""
    from peewee import SqliteDatabase

    if dbmod.is_postgres_url(url):
        return dbmod.open_postgres(url, 2)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):] if url.startswith("sqlite:////") else url[len("sqlite://"):])
    elif "://" in url:
        raise CopyError(f"cannot copy to {url.split('://', 1)[0]}: use postgresql://... or a SQLite file path")
    else:
        path = Path(url)
    if path.exists() and path.stat().st_size > 0:
        raise CopyError(f"{path} already exists; copy into a new file")
    from ..security.file_modes import create_private_file, private_dir

    private_dir(path.parent)
    create_private_file(path)  # 0600 before SQLite writes a byte (it keeps the mode; -wal/-shm follow it)
    return SqliteDatabase(str(path), pragmas=dbmod.SQLITE_PRAGMAS)


def describe(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url


def _tables_in_order(target: Database, names: list[str]) -> list[str]:
    """``names`` ordered so every table comes after the tables it references."""
    wanted = set(names)
    needs = {name: {fk.dest_table for fk in target.get_foreign_keys(name)} & wanted - {name} for name in names}
    ordered, done = [], set()
    while needs:
        ready = sorted(name for name, deps in needs.items() if deps <= done)
        if not ready:
            raise CopyError(f"tables reference each other in a cycle: {', '.join(sorted(needs))}")
        for name in ready:
            ordered.append(name)
            done.add(name)
            del needs[name]
    return ordered


def _converters(target: Database, table: str, columns: list[str]):
    """A function per column turning a source value into what the target stores."""
    types = {c.name: c.data_type.lower() for c in target.get_columns(table)}
    postgres = dbmod.is_postgres(target)

    def convert(kind: str):
        if postgres and kind.startswith("bool"):
            return lambda v: None if v is None else bool(v)
        if not postgres:
            return lambda v: str(v) if isinstance(v, (datetime, date)) else v
        return None

    return [convert(types.get(column, "")) for column in columns]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count(database: Database, table: str) -> int:
    return database.execute_sql(f"SELECT COUNT(*) FROM {_quote(table)}").fetchone()[0]


def _copy_table(source: Database, target: Database, table: str) -> int:
    source_columns = [c.name for c in source.get_columns(table)]
    target_columns = {c.name for c in target.get_columns(table)}
    columns = [c for c in source_columns if c in target_columns]
    missing = sorted(target_columns - set(source_columns))
    if missing:
        raise CopyError(f"table {table}: the target has columns the source lacks ({', '.join(missing)})")
    keys = source.get_primary_keys(table) or columns[:1]
    convert = _converters(target, table, columns)
    names = ", ".join(_quote(c) for c in columns)
    cursor = source.execute_sql(f"SELECT {names} FROM {_quote(table)} ORDER BY {', '.join(_quote(k) for k in keys)}")
    marks = ", ".join("?" * len(columns))
    insert = f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})"
    copied = 0
    while True:
        rows = cursor.fetchmany(BATCH)
        if not rows:
            return copied
        payload = [tuple(v if f is None else f(v) for f, v in zip(convert, row)) for row in rows]
        dbmod.executemany(insert, payload, target)
        copied += len(payload)


def _reset_sequences(target: Database, tables: list[str]) -> None:
    for table in tables:
        if "id" not in {c.name for c in target.get_columns(table)}:
            continue
        row = target.execute_sql("SELECT pg_get_serial_sequence(%s, 'id')", [_quote(table)]).fetchone()
        if row and row[0]:
            target.execute_sql(f"SELECT setval(%s, COALESCE((SELECT MAX(id) FROM {_quote(table)}), 0) + 1, false)",
                               [row[0]])


def _snapshot(source: Database):
    """One read transaction over the whole copy (REPEATABLE READ on PostgreSQL)."""
    transaction = source.atomic()
    transaction.__enter__()
    if dbmod.is_postgres(source):
        source.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    return transaction


def _copy_tables(source: Database, target: Database, result: CopyResult) -> None:
    tables = _tables_in_order(target, sorted(set(source.get_tables()) & set(target.get_tables()) - DERIVED))
    for table in reversed(tables):  # rows a migration seeded: the source has its own
        target.execute_sql(f"DELETE FROM {_quote(table)}")
    for table in tables:
        result.counts[table] = _copy_table(source, target, table)
        log.info("db_copy table=%s rows=%s", table, result.counts[table])
    counted = {t: (_count(source, t), _count(target, t)) for t in tables}
    wrong = {t: pair for t, pair in counted.items() if pair[0] != pair[1] or pair[0] != result.counts[t]}
    if wrong:
        raise CopyError("row counts differ after the copy (table: source, target): "
                        + ", ".join(f"{t}: {a}, {b}" for t, (a, b) in wrong.items()))
    if dbmod.is_postgres(target):
        _reset_sequences(target, tables)


def copy_database(source: Database, target: Database, target_label: str) -> CopyResult:
    """Copy every table of ``source`` (at head) into the empty ``target``; return the counts."""
    from ..catalog.search_index import reindex_releases

    version = current_version(source)
    if version != head_version():
        raise CopyError(f"the source is at schema {version}, this AniHome at {head_version()}; start it once to migrate")
    result = CopyResult(target_label, version)
    snapshot = _snapshot(source)
    try:
        with target.connection_context():
            if current_version(target) or target.get_tables():
                raise CopyError(f"{target_label} is not empty; copy into a new, empty database")
            dbmod.bind(target)  # the models (search index) write to the target from here on
            try:
                with target.atomic():  # schema and rows together: a failed copy leaves the target empty
                    migrate(target)
                    if dbmod.is_postgres(target):
                        from ..catalog.search_pg import ensure_schema

                        ensure_schema(target)
                    _copy_tables(source, target, result)
                    result.search_rows = reindex_releases(None)
            finally:
                dbmod.bind(source)
    finally:
        snapshot.__exit__(None, None, None)
    log.info("db_copy status=done target=%s tables=%s rows=%s", target_label, len(result.counts), result.rows)
    return result

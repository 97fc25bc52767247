"""Start-up guards: never serve, migrate or initialise over a database that is not sound.

Before the first connection: an empty (0-byte) or non-SQLite ``anihome.db`` is refused (a
fresh install is only a *missing* file), and ``PRAGMA quick_check`` must say "ok". After
connecting: a schema newer than this code is refused, and after migrating, every table,
column and index that the migrations create must exist (``verify_schema``), so a database
made by an edited migration is refused rather than reported current. Each refusal is a
``GuardError`` whose message names the file, the newest verified backup and the command
that restores it.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from .backups import list_backups
from .integrity import check_file, file_problem

log = logging.getLogger(__name__)


class GuardError(RuntimeError):
    """The database must not be used as it is; the message says what to do."""


def backup_folder(settings: Mapping[str, Any]) -> Path:
    return Path(settings["DATA_DIR"]) / "backups"


def newest_good_backup(settings: Mapping[str, Any], checks: int = 3) -> Path | None:
    """The newest backup that passes ``integrity_check`` now (at most ``checks`` tried)."""
    for backup in list_backups(backup_folder(settings))[:checks]:
        if check_file(backup.path).ok:
            return backup.path
    return None


def restore_hint(settings: Mapping[str, Any]) -> str:
    """One sentence naming the newest verified backup and the command that restores it."""
    newest = newest_good_backup(settings)
    if newest is None:
        return f"There is no verified backup in {backup_folder(settings)}."
    return (f"The newest verified backup is {newest}; restore it with: "
            f"anihome backup restore {newest.name}")


def check_database_file(path: Path, settings: Mapping[str, Any], quick_check: bool = True) -> None:
    """Refuse an existing database file that is empty, not SQLite, or fails ``quick_check``."""
    if not path.exists():
        return  # a fresh install
    problem = file_problem(path)
    if problem:
        raise GuardError(f"{path}: {problem}, so it is not an AniHome database and was left untouched. "
                         f"{restore_hint(settings)} To start a new household instead, move the file away.")
    if not quick_check:
        return
    verdict = check_file(path, full=False, read_only=False)
    if not verdict.ok:
        raise GuardError(f"{path} is damaged (quick_check: {verdict.detail[:300]}). "
                         f"AniHome will not serve it. {restore_hint(settings)}")


def check_schema_version(version: int, head: int) -> None:
    """Refuse a database written by a newer AniHome."""
    if version > head:
        raise GuardError(f"this database was written by a newer AniHome (schema {version}; this AniHome "
                         f"knows up to {head}); upgrade, or restore a backup")


def schema_objects(db) -> dict[str, set[str]]:
    """``{"table:<name>": columns, "index:<name>": {table}}`` for an SQLite database."""
    objects: dict[str, set[str]] = {}
    rows = db.execute_sql("SELECT type, name, tbl_name FROM sqlite_master "
                          "WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'").fetchall()
    for kind, name, table in rows:
        if kind == "table":
            columns = {row[1] for row in db.execute_sql(f'PRAGMA table_info("{name}")').fetchall()}
            objects[f"table:{name}"] = columns
        else:
            objects[f"index:{name}"] = {table}
    return objects


#: What the migrations make on SQLite only: FTS5 search tables (PostgreSQL's search tables are
#: made by ``catalog.search_pg``) and the covering index SQLite's browse reads (m0010).
SQLITE_ONLY = ("table:release_search_", "table:release_title_search", "index:release_visibility")

_PG_OBJECTS = """
SELECT 'table', c.table_name, c.column_name FROM information_schema.columns AS c
WHERE c.table_schema = current_schema()
UNION ALL
SELECT 'index', i.indexname, i.tablename FROM pg_indexes AS i WHERE i.schemaname = current_schema()
"""


def schema_objects_pg(db) -> dict[str, set[str]]:
    """``schema_objects`` for a PostgreSQL database (its current schema)."""
    objects: dict[str, set[str]] = {}
    for kind, name, part in db.execute_sql(_PG_OBJECTS).fetchall():
        objects.setdefault(f"{kind}:{name}", set()).add(part)
    return objects


@lru_cache(maxsize=1)
def reference_schema() -> dict[str, frozenset[str]]:
    """What the migrations create, from migrating an empty in-memory database (once per process)."""
    from peewee import SqliteDatabase

    from ..migrations import migrate

    memory = SqliteDatabase(":memory:")
    memory.connect()
    try:
        migrate(memory)
        return {name: frozenset(parts) for name, parts in schema_objects(memory).items()}
    finally:
        memory.close()


def verify_schema(db, postgres: bool | None = None) -> list[str]:
    """What the migrations should have created but ``db`` lacks (empty when it is all there).

    ``postgres`` (default: ask ``db``) compares a PostgreSQL database, leaving out ``SQLITE_ONLY``."""
    if postgres is None:
        from ..db import is_postgres

        postgres = is_postgres(db)
    have = schema_objects_pg(db) if postgres else schema_objects(db)
    missing = []
    for name, parts in sorted(reference_schema().items()):
        if postgres and name.startswith(SQLITE_ONLY):
            continue
        kind, _, object_name = name.partition(":")
        if name not in have:
            missing.append(f"{kind} {object_name}")
        elif kind == "table":
            missing += [f"column {object_name}.{column}" for column in sorted(parts - have[name])]
    return missing

"""Numbered, forward-only schema migrations.

Each migration is a module ``mNNNN_name.py`` in this package with a docstring and an
``up(db)`` function. The runner applies pending ones in order, each in its own
transaction, and records it in the ``schema_version`` table. Before touching a database
that already holds a schema it takes a backup (see ``backup.py``). A failing migration
raises ``MigrationError`` with the migration's name; start-up stops on it, no retry loop.

Numbers need not be consecutive: there is no m0005 (a number reserved for an area built in
parallel, which landed without needing one). A placeholder cannot be added now: databases
already past it would refuse a migration numbered below their version. When areas are built
side by side, each reserves its number up front; gaps are expected.
"""
from __future__ import annotations

import importlib
import logging
import pkgutil
import re
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Callable

from peewee import Database

from ..clock import utcnow
from ..db import portable_sql

log = logging.getLogger(__name__)

_NAME = re.compile(r"^m(\d{4})_(\w+)$")


class MigrationError(RuntimeError):
    """A migration could not be applied; the database stays at the previous version."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    up: Callable[[Database], None]


def _imported_when_applied(module_name: str) -> Callable[[Database], None]:
    """A migration's ``up``, importing its module only when it runs: a start-up with nothing
    to apply imports none of them (their frozen table definitions held ~1.3 MB in the serving
    process; docs/benchmarks.md, issue 17)."""
    def up(db: Database) -> None:
        importlib.import_module(module_name).up(db)

    return up


def discover(package: ModuleType | None = None) -> list[Migration]:
    """Every migration module in ``package`` (this one by default), in version order."""
    package = package or importlib.import_module(__name__)
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        match = _NAME.match(info.name)
        if not match:
            continue
        found.append(Migration(int(match.group(1)), match.group(2),
                               _imported_when_applied(f"{package.__name__}.{info.name}")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"duplicate migration numbers: {versions}")
    return found


def forget_imported() -> list[str]:
    """Drop the migration modules imported so far (and their ``schema`` helpers) from the
    import system, so their frozen table definitions can be freed: the serving process needs
    them once at start-up (to migrate, and for ``ops.guards.reference_schema``); a later
    migration imports its module again. Returns the names dropped."""
    package = sys.modules[__name__]
    names = [name for name in sys.modules if name.startswith(__name__ + ".")
             and (_NAME.match(name.rpartition(".")[2]) or name == f"{__name__}.schema")]
    for name in names:
        module = sys.modules.pop(name)
        short = name.rpartition(".")[2]
        if getattr(package, short, None) is module:
            delattr(package, short)
    return names


def _ensure_version_table(db: Database) -> None:
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY,"
        " name VARCHAR(100) NOT NULL,"
        " applied_at TIMESTAMP NOT NULL)"
    )


def current_version(db: Database) -> int:
    """The highest applied migration, 0 for an empty database."""
    if "schema_version" not in db.get_tables():
        return 0
    row = db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return row[0] or 0


def head_version(migrations: list[Migration] | None = None) -> int:
    migrations = discover() if migrations is None else migrations
    return migrations[-1].version if migrations else 0


def applied_versions(db: Database) -> set[int]:
    if "schema_version" not in db.get_tables():
        return set()
    return {row[0] for row in db.execute_sql("SELECT version FROM schema_version")}


def pending(db: Database, migrations: list[Migration] | None = None) -> list[Migration]:
    """Migrations not applied yet. One numbered below an applied one is an error, not a gap to fill:
    it would run against a schema it was not written for."""
    migrations = discover() if migrations is None else migrations
    applied = applied_versions(db)
    have = max(applied, default=0)
    stray = [m for m in migrations if m.version < have and m.version not in applied]
    if stray:
        names = ", ".join(f"{m.version:04d}_{m.name}" for m in stray)
        raise MigrationError(f"migrations {names} are numbered below the applied version {have}; "
                             "renumber them above it")
    return [m for m in migrations if m.version > have]


def migrate(db: Database, migrations: list[Migration] | None = None,
            target: int | None = None, before: Callable[[int], None] | None = None) -> list[int]:
    """Apply pending migrations up to ``target`` (head by default); return applied versions.

    ``before(current_version)`` runs once when there is work to do, e.g. to take a backup.
    """
    migrations = discover() if migrations is None else migrations
    todo = [m for m in pending(db, migrations) if target is None or m.version <= target]
    if not todo:
        return []
    if before is not None:
        before(current_version(db))
    applied = []
    for migration in todo:
        label = f"{migration.version:04d}_{migration.name}"
        log.info("migration=%s status=applying", label)
        try:
            with db.atomic():
                _ensure_version_table(db)
                migration.up(db)
                db.execute_sql(
                    portable_sql("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)", db),
                    (migration.version, migration.name, utcnow()),
                )
        except Exception as exc:
            raise MigrationError(
                f"migration {label} failed: {exc}. The database was left at version "
                f"{current_version(db)}; fix the cause (or restore a backup from data/backups) and start again."
            ) from exc
        applied.append(migration.version)
    return applied


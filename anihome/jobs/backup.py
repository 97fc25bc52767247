"""The nightly database backup job: a consistent copy of the SQLite file into <data dir>/backups.

Uses SQLite's online backup API (``anihome.migrations.backup.backup_sqlite``), so members
can keep using AniHome while it runs; the copy is checked with ``PRAGMA quick_check`` and
only the newest BACKUP_KEEP copies are kept. Restoring is described in docs/operations.md.
"""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from ..db import is_sqlite, sqlite_path
from ..migrations.backup import backup_sqlite
from .registry import JobSpec, cron_setting

log = logging.getLogger(__name__)

JOB_ID = "backup"
PREFIX = "anihome"


class BackupError(RuntimeError):
    """The backup could not be made or did not pass its integrity check."""


def backup_dir(settings: Mapping[str, Any]) -> Path:
    return Path(settings["DATA_DIR"]) / "backups"


@dataclass(frozen=True)
class BackupFile:
    path: Path
    size: int
    modified: datetime


def list_backups(settings: Mapping[str, Any]) -> list[BackupFile]:
    """Every backup in the backups folder (nightly and pre-migration), newest first."""
    folder = backup_dir(settings)
    files = []
    for path in folder.glob("*.db") if folder.is_dir() else ():
        stat = path.stat()
        files.append(BackupFile(path, stat.st_size,
                                datetime.fromtimestamp(stat.st_mtime, timezone.utc).replace(tzinfo=None)))
    return sorted(files, key=lambda f: f.modified, reverse=True)


def database_size(settings: Mapping[str, Any]) -> int | None:
    """Bytes used by the SQLite database with its WAL, or None for a server database."""
    if settings.get("DATABASE_URL"):
        return None
    path = sqlite_path(settings)
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def check_integrity(path: Path) -> str:
    """SQLite's quick_check verdict for the file at ``path`` ("ok" when sound)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        connection.close()


def backup_database(ctx) -> dict[str, int]:
    """Job: copy the live database into the backups folder and prune old copies."""
    settings = ctx.settings
    if not is_sqlite():
        raise BackupError("DATABASE_URL points to a server database; back it up with its own tools "
                          "(for PostgreSQL: pg_dump)")
    ctx.progress(0.1, "copying the database")
    keep = max(1, settings["BACKUP_KEEP"])
    target = backup_sqlite(sqlite_path(settings), backup_dir(settings), PREFIX, keep)
    ctx.progress(0.8, "checking the copy")
    verdict = check_integrity(target)
    if verdict != "ok":
        target.unlink(missing_ok=True)
        raise BackupError(f"the backup failed its integrity check: {verdict}")
    ctx.progress(1.0, target.name)
    kept = len(list(backup_dir(settings).glob(f"{PREFIX}-*.db")))
    log.info("backup=%s bytes=%s kept=%s", target.name, target.stat().st_size, kept)
    return {"bytes": target.stat().st_size, "backups_kept": kept}


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    schedule = cron_setting(settings["BACKUP_SCHEDULE"])
    return [JobSpec(
        id=JOB_ID, function=backup_database,
        description="Copy the database into <data dir>/backups and keep the newest BACKUP_KEEP copies.",
        cron=schedule, enabled=schedule is not None and not settings.get("DATABASE_URL"),
        setting="BACKUP_SCHEDULE", misfire_grace_seconds=6 * 3600)]

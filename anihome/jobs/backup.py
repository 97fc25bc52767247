"""The nightly database backup job: a verified copy of the SQLite file into <data dir>/backups.

A PostgreSQL household (DATABASE_URL) is dumped with ``pg_dump`` into the same folder instead
(``anihome.ops.pg_backups``), verified and pruned alike; without pg_dump the run fails saying so.

Uses SQLite's online backup API, so members can keep using AniHome while it runs. The copy
is written under a temporary name, checked with ``PRAGMA integrity_check`` and renamed only
when sound (``anihome.ops.backups``); only then are old copies pruned, keeping the newest
BACKUP_KEEP and the daily/weekly/monthly generations. A copy that fails is deleted and the
run fails with the reason, so a damaged database can never push the good backups out.
Restoring is ``anihome backup restore`` (docs/operations.md).
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from ..db import is_postgres, is_postgres_url, is_sqlite, sqlite_path
from ..i18n import N_
from ..ops.backups import NIGHTLY, BackupError, BackupFile, make_backup, prune
from ..ops.backups import list_backups as _list
from ..ops.integrity import check_file
from .registry import JobSpec, cron_setting

log = logging.getLogger(__name__)

JOB_ID = "backup"
PREFIX = NIGHTLY

__all__ = ["BackupError", "BackupFile", "backup_database", "backup_dir", "check_integrity",
           "database_size", "jobs", "list_backups"]


def backup_dir(settings: Mapping[str, Any]) -> Path:
    return Path(settings["DATA_DIR"]) / "backups"


def list_backups(settings: Mapping[str, Any]) -> list[BackupFile]:
    """Every backup in the backups folder (nightly and pre-migration), newest first."""
    return _list(backup_dir(settings))


def newest_backup_age_hours(settings: Mapping[str, Any]) -> float | None:
    """Hours since the newest backup of any family was made, None when there is none."""
    backups = list_backups(settings)
    if not backups:
        return None
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return (now - backups[0].made).total_seconds() / 3600


def database_size(settings: Mapping[str, Any]) -> int | None:
    """Bytes used by the SQLite database with its WAL (PostgreSQL: ``pg_database_size``), or None
    for another server database."""
    if is_postgres():
        from ..db import database

        return database.execute_sql("SELECT pg_database_size(current_database())").fetchone()[0]
    if settings.get("DATABASE_URL"):
        return None
    path = sqlite_path(settings)
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def check_integrity(path: Path) -> str:
    """The integrity verdict for the file at ``path`` ("ok" when sound); never raises."""
    return check_file(path).detail


def backup_database(ctx) -> dict[str, int]:
    """Job: copy the live database into the backups folder, verify it, then prune old copies."""
    settings = ctx.settings
    if not is_sqlite() and not is_postgres():
        raise BackupError("DATABASE_URL points to a server database AniHome cannot back up; "
                          "back it up with its own tools")
    ctx.progress(0.1, N_("copying and checking the database"))
    try:
        if is_postgres():
            from ..ops.pg_backups import make_pg_backup

            backup = make_pg_backup(settings["DATABASE_URL"], backup_dir(settings), PREFIX)
        else:
            backup = make_backup(sqlite_path(settings), backup_dir(settings), PREFIX)
    except BackupError as exc:
        log.error("backup status=failed disk_full=%s reason=%s", exc.disk_full, exc)
        raise
    ctx.progress(0.9, N_("pruning old backups"))
    pruned = prune(backup_dir(settings), settings)
    ctx.progress(1.0, backup.name)
    kept = len(_list(backup_dir(settings), PREFIX))
    log.info("backup=%s bytes=%s kept=%s pruned=%s", backup.name, backup.size, kept, len(pruned))
    return {"bytes": backup.size, "backups_kept": kept, "backups_pruned": len(pruned)}


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    schedule = cron_setting(settings["BACKUP_SCHEDULE"])
    return [JobSpec(
        id=JOB_ID, function=backup_database,
        description="Copy the database into the backups folder, verify the copy, and keep the newest "
                    "copies plus daily, weekly and monthly ones.",
        cron=schedule, enabled=schedule is not None and (not settings.get("DATABASE_URL")
                                                         or is_postgres_url(settings["DATABASE_URL"])),
        setting="BACKUP_SCHEDULE", misfire_grace_seconds=6 * 3600, alert_owner=True)]

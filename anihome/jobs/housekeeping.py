"""The housekeeping job: prune old job runs, backups and read notifications, and keep SQLite tidy.

Run history older than JOB_HISTORY_DAYS goes (the newest JOB_HISTORY_KEEP runs of each job
stay); read notifications older than NOTIFY_RETENTION_DAYS go (``notify.inbox.prune``);
each family of backups keeps its newest BACKUP_KEEP (nightly ones also their daily, weekly
and monthly generations); on SQLite, ``PRAGMA optimize`` refreshes planner statistics and a
WAL checkpoint keeps the ``-wal`` file from growing; on PostgreSQL, ``ANALYZE`` does the
statistics (autovacuum does the rest).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping

from ..db import database, is_postgres, is_sqlite
from ..i18n import N_
from ..ops.backups import Retention, list_backups, prune, prune_family
from .backup import backup_dir
from .history import prune_history
from .registry import JobSpec, cron_setting

log = logging.getLogger(__name__)

JOB_ID = "housekeeping"


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Keep the newest ``keep`` backups of each family (by the stamp in the name); return the rest, deleted."""
    removed: list[Path] = []
    for family in sorted({b.family for b in list_backups(folder)}):
        removed += prune_family(folder, family, Retention(max(keep, 1)))
    return removed


def optimize_sqlite() -> int:
    """``PRAGMA optimize`` and a WAL checkpoint; return the pages checkpointed."""
    database.execute_sql("PRAGMA optimize")
    row = database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return int(row[2]) if row and row[2] is not None and row[2] > 0 else 0


def housekeeping(ctx) -> dict[str, int]:
    """Job: prune job history and backups, keep the demo calendar current, then optimize the database."""
    settings = ctx.settings
    ctx.progress(0.1, N_("pruning job history"))
    runs = prune_history(settings["JOB_HISTORY_DAYS"], settings["JOB_HISTORY_KEEP"])
    ctx.progress(0.4, N_("pruning backups"))
    backups = prune(backup_dir(settings), settings)
    counts = {"runs_deleted": runs, "backups_deleted": len(backups)}
    from ..notify.inbox import prune as prune_notifications

    ctx.progress(0.5, N_("pruning read notifications"))
    counts["notifications_deleted"] = prune_notifications(settings["NOTIFY_RETENTION_DAYS"])
    from ..kodik.demo import roll_demo_airing

    counts["demo_airings_moved"] = roll_demo_airing()  # the demo's calendar follows today's date
    if is_sqlite():
        ctx.progress(0.7, N_("optimizing the database"))
        counts["wal_pages_checkpointed"] = optimize_sqlite()
    elif is_postgres():
        ctx.progress(0.7, N_("analyzing the database"))
        database.execute_sql("ANALYZE")
        counts["analyzed"] = 1
    ctx.progress(1.0, N_("done"))
    log.info("housekeeping runs_deleted=%s backups_deleted=%s", runs, len(backups))
    return counts


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    schedule = cron_setting(settings["HOUSEKEEPING_SCHEDULE"])
    return [JobSpec(
        id=JOB_ID, function=housekeeping,
        description="Prune old job runs, backups and read notifications, optimize the database and checkpoint its log.",
        cron=schedule, enabled=schedule is not None, setting="HOUSEKEEPING_SCHEDULE",
        misfire_grace_seconds=6 * 3600)]

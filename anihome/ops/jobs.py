"""The ``integrity-check`` job: a periodic ``quick_check`` of the live database for health.

A damaged database turns ``/api/v1/health`` to ``degraded`` and puts a banner on the admin
pages until a check passes again (after a restore, the start-up check clears it).
"""
from __future__ import annotations

from typing import Any, Mapping

from ..db import is_sqlite
from ..jobs.registry import JobSpec
from .health import check_database

JOB_ID = "integrity-check"


class DatabaseDamaged(RuntimeError):
    """The live database failed its quick_check."""


def integrity_check(ctx) -> dict[str, int]:
    """Job: ``PRAGMA quick_check`` on the live database; fail (and mark health degraded) when damaged."""
    if not is_sqlite():
        return {"checked": 0}
    ctx.progress(0.1, "checking the database")
    verdict = check_database(ctx.app)
    if not verdict.ok:
        raise DatabaseDamaged(f"the database failed quick_check: {verdict.detail[:500]}; restore a backup "
                              "(anihome backup list, anihome backup restore FILE)")
    ctx.progress(1.0, "ok")
    return {"checked": 1}


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    minutes = settings["INTEGRITY_CHECK_MINUTES"]
    return [JobSpec(
        id=JOB_ID, function=integrity_check,
        description="Check the database for damage; a damaged database is reported on the System page and by the health check.",
        interval_minutes=minutes if minutes > 0 else None, enabled=minutes > 0 and not settings.get("DATABASE_URL"),
        setting="INTEGRITY_CHECK_MINUTES", catch_up=False, alert_owner=True)]

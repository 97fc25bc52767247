"""The ``integrity-check`` job: a periodic check of the live database for health.

On SQLite it is ``PRAGMA quick_check``; on PostgreSQL ``ops.pg_checks.live_check``: id
sequences ahead of their tables, no index marked invalid, and amcheck's B-tree checks when
the extension is installed and the role may run it (the run's text says when it was skipped).

A damaged database turns ``/api/v1/health`` to ``degraded`` and puts a banner on the admin
pages until a check passes again (after a restore, the start-up check clears it).
"""
from __future__ import annotations

from typing import Any, Mapping

from ..db import is_postgres, is_sqlite
from ..i18n import N_
from ..jobs.registry import JobSpec
from .health import check_database, check_postgres

JOB_ID = "integrity-check"


class DatabaseDamaged(RuntimeError):
    """The live database failed its check."""


def integrity_check(ctx) -> dict[str, int]:
    """Job: check the live database; fail (and mark health degraded) when it is not sound."""
    if is_postgres():
        ctx.progress(0.1, N_("checking the database"))
        result = check_postgres(ctx.app)
        if not result.ok:
            raise DatabaseDamaged(f"the PostgreSQL check failed: {result.detail[:500]}; fix: {result.fix[:300]}")
        ctx.progress(1.0, N_("ok (%(note)s)") % {"note": result.note})
        return result.counts
    if not is_sqlite():
        return {"checked": 0}
    ctx.progress(0.1, N_("checking the database"))
    verdict = check_database(ctx.app)
    if not verdict.ok:
        raise DatabaseDamaged(f"the database failed quick_check: {verdict.detail[:500]}; restore a backup "
                              "(anihome backup list, anihome backup restore FILE)")
    ctx.progress(1.0, N_("ok"))
    return {"checked": 1}


def _checkable(settings: Mapping[str, Any]) -> bool:
    """SQLite and PostgreSQL are checked; another engine's own tools check it."""
    from ..db import is_postgres_url

    url = settings.get("DATABASE_URL")
    return not url or is_postgres_url(url)


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    minutes = settings["INTEGRITY_CHECK_MINUTES"]
    return [JobSpec(
        id=JOB_ID, function=integrity_check,
        description="Check the database for damage; a damaged database is reported on the System page and by the health check.",
        interval_minutes=minutes if minutes > 0 else None, enabled=minutes > 0 and _checkable(settings),
        setting="INTEGRITY_CHECK_MINUTES", catch_up=False, alert_owner=True)]

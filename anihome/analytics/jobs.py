"""The ``analytics-rollup`` job: write waiting view events, roll new events into the daily
tables, and drop view events older than ANALYTICS_VIEW_RETENTION_DAYS.

Nightly by ANALYTICS_ROLLUP_SCHEDULE, and on demand (admin jobs page, ``anihome job run
analytics-rollup``). A run is incremental; ``rollup.run(full=True)`` rebuilds everything.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..jobs.registry import JobSpec, cron_setting
from . import rollup, views

JOB_ID = "analytics-rollup"


def rollup_job(ctx) -> dict[str, int]:
    """Job: flush pending views, roll up what arrived since the last run, prune old views."""
    recorder = ctx.app.extensions.get(views.EXTENSION)
    if recorder is not None:
        recorder.flush()
    ctx.progress(0.0, "rolling up")
    result = rollup.run(ctx.app.config["TIMEZONE"], progress=ctx.progress)
    ctx.progress(0.95, "pruning old view events")
    pruned = views.prune(ctx.settings["ANALYTICS_VIEW_RETENTION_DAYS"])
    ctx.progress(1.0, "done")
    return {"members": result.members, "days": result.days, "full": int(result.full),
            "views_pruned": pruned}


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    schedule = cron_setting(settings["ANALYTICS_ROLLUP_SCHEDULE"])
    return [JobSpec(
        id=JOB_ID, function=rollup_job,
        description="Roll new view and watch events into the daily analytics tables.",
        cron=schedule, enabled=schedule is not None, setting="ANALYTICS_ROLLUP_SCHEDULE",
        misfire_grace_seconds=6 * 3600)]

"""The analytics jobs.

``analytics-rollup``: write waiting view events, roll new events into the daily tables, and
drop view events older than ANALYTICS_VIEW_RETENTION_DAYS. Nightly by
ANALYTICS_ROLLUP_SCHEDULE, and on demand (admin jobs page, ``anihome job run
analytics-rollup``). A run is incremental; ``rollup.run(full=True)`` rebuilds everything.

``analytics-reports``: build every waiting report request (``report_requests``) and prune
expired ones. Started as soon as someone asks for a report (``start_reports``), again when a
run ends with requests still waiting, and hourly (pruning, and requests left by a restart).
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from .. import events
from ..i18n import N_
from ..jobs.registry import JobSpec, cron_setting
from . import periods, report_requests, rollup, views

log = logging.getLogger(__name__)

JOB_ID = "analytics-rollup"
REPORTS_JOB = "analytics-reports"
_RESTART = "anihome.analytics.report_restart"


def rollup_job(ctx) -> dict[str, int]:
    """Job: flush pending views, roll up what arrived since the last run, prune old views."""
    recorder = ctx.app.extensions.get(views.EXTENSION)
    if recorder is not None:
        recorder.flush()
    ctx.progress(0.0, N_("rolling up"))
    result = rollup.run(ctx.app.config["TIMEZONE"], progress=ctx.progress)
    ctx.progress(0.95, N_("pruning old view events"))
    pruned = views.prune(ctx.settings["ANALYTICS_VIEW_RETENTION_DAYS"])
    ctx.progress(1.0, N_("done"))
    return {"members": result.members, "days": result.days, "full": int(result.full),
            "views_pruned": pruned}


def reports_job(ctx) -> dict[str, int]:
    """Job: prune expired report requests, then build every waiting one, oldest first."""
    data_dir = ctx.settings["DATA_DIR"]
    pruned = report_requests.prune(data_dir)
    tz = periods.zone(ctx.app.config["TIMEZONE"])
    counts = report_requests.build_waiting(data_dir, lambda: periods.today(tz),
                                           ctx.settings["ANALYTICS_REPORT_KEEP_HOURS"], progress=ctx.progress)
    return {"built": counts.get("done", 0), "failed": counts.get("failed", 0), "pruned": pruned}


def start_reports(app) -> None:
    """Start the reports job now unless a run is under way (that run builds the new request, or
    ``connect_restart`` starts another when it ends)."""
    from ..jobs.runner import JobAlreadyRunning, start_job_in_background

    try:
        start_job_in_background(app, REPORTS_JOB)
    except JobAlreadyRunning:
        pass


def connect_restart(app) -> None:
    """When a reports run ends while requests still wait (asked just as it finished), start
    another (the receiver is held by the app)."""
    def on_finished(sender, job_id=None, **kwargs):
        if job_id != REPORTS_JOB or sender is not app:
            return
        from ..jobs.runner import job_scope

        with job_scope(app):
            waiting = report_requests.pending()
        if waiting:
            log.info("analytics reports still waiting: starting the job again")
            start_reports(app)

    app.extensions[_RESTART] = on_finished
    events.job_finished.connect(on_finished)


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    schedule = cron_setting(settings["ANALYTICS_ROLLUP_SCHEDULE"])
    return [JobSpec(
        id=JOB_ID, function=rollup_job,
        description="Roll new view and watch events into the daily analytics tables.",
        cron=schedule, enabled=schedule is not None, setting="ANALYTICS_ROLLUP_SCHEDULE",
        misfire_grace_seconds=6 * 3600),
        JobSpec(id=REPORTS_JOB, function=reports_job,
                description="Make the analytics reports members asked for, and delete expired ones.",
                interval_minutes=60)]

"""The one BackgroundScheduler of the serving process: it only decides when a job is due.

``start_scheduler(app)`` is called by ``run.py`` / ``anihome serve`` (never by
``create_app``). Each scheduled job of the registry is added with ``max_instances=1`` and
``coalesce=True``, so a slow run is never doubled and missed runs collapse into one; a
job whose scheduled time passed while the server was down runs once soon after start
(``JobSpec.catch_up``). The work itself goes through ``run_job`` like every other caller.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from peewee import fn

from ..models import JobRun
from .registry import JobSpec
from .runner import JobAlreadyRunning, job_scope, run_job
from .state import SCHEDULER_EXTENSION, registry_of, scheduler_of

log = logging.getLogger(__name__)

WORKER_THREADS = 3
#: How long after start a missed job is caught up (start-up itself stays quick).
CATCH_UP_DELAY = timedelta(minutes=1)


def _trigger(spec: JobSpec, timezone: str):
    if spec.interval_minutes is not None:
        return IntervalTrigger(minutes=spec.interval_minutes, timezone=timezone)
    return CronTrigger.from_crontab(spec.cron, timezone=timezone)


def _scheduled_run(app, job_id: str) -> None:
    """What the scheduler calls: one recorded run, skipped when a manual run is in progress."""
    try:
        run_job(app, job_id, "schedule")
    except JobAlreadyRunning as exc:
        log.info("job=%s status=skipped reason=already-running run=%s", job_id, exc.run.id)


def start_scheduler(app) -> BackgroundScheduler:
    """Start the scheduler with every scheduled job of ``app``; keep it in app.extensions."""
    if scheduler_of(app) is not None:
        raise RuntimeError("the scheduler is already running for this app")
    timezone = app.config["TIMEZONE"]
    scheduler = BackgroundScheduler(
        timezone=timezone,
        executors={"default": ThreadPoolExecutor(WORKER_THREADS)},
        job_defaults={"max_instances": 1, "coalesce": True},
    )
    specs = [spec for spec in registry_of(app).values() if spec.scheduled]
    missed = missed_jobs(app, specs, timezone)
    for spec in specs:
        extra = {"next_run_time": datetime.now(ZoneInfo(timezone)) + CATCH_UP_DELAY} if spec.id in missed else {}
        scheduler.add_job(_scheduled_run, _trigger(spec, timezone), args=(app, spec.id),
                          id=spec.id, name=spec.description, max_instances=1, coalesce=True,
                          misfire_grace_time=spec.misfire_grace_seconds, replace_existing=True,
                          **extra)
    if missed:
        log.info("scheduler=catch-up jobs=%s delay_s=%s", ",".join(sorted(missed)),
                 int(CATCH_UP_DELAY.total_seconds()))
    scheduler.start()
    app.extensions[SCHEDULER_EXTENSION] = scheduler
    log.info("scheduler=started timezone=%s jobs=%s", timezone,
             ",".join(job.id for job in scheduler.get_jobs()) or "-")
    return scheduler


def missed_jobs(app, specs: list[JobSpec], timezone: str, now: datetime | None = None) -> set[str]:
    """Ids of catch-up jobs whose next scheduled time after their last run has passed."""
    wanted = [spec for spec in specs if spec.catch_up]
    if not wanted:
        return set()
    with job_scope(app):
        last = dict(JobRun.select(JobRun.job_id, fn.MAX(JobRun.started_at))
                    .where(JobRun.job_id.in_([spec.id for spec in wanted]))
                    .group_by(JobRun.job_id).tuples())
    now = now or datetime.now(ZoneInfo(timezone))
    missed = set()
    for spec in wanted:
        if spec.id not in last:
            continue
        started = last[spec.id]
        if isinstance(started, str):  # SQLite aggregate results come back as text
            started = datetime.fromisoformat(started)
        started = started.replace(tzinfo=dt_timezone.utc)
        if spec.interval_minutes is not None:
            due = started + timedelta(minutes=spec.interval_minutes)
        else:
            due = _trigger(spec, timezone).get_next_fire_time(None, started)
        if due is not None and due < now:
            missed.add(spec.id)
    return missed


def stop_scheduler(app, wait: bool = False) -> None:
    """Shut down the app's scheduler, if one was started."""
    scheduler = app.extensions.pop(SCHEDULER_EXTENSION, None)
    if scheduler is not None and scheduler.running:
        scheduler.shutdown(wait=wait)


def planned_next_run(spec: JobSpec, timezone: str, now: datetime | None = None) -> datetime | None:
    """When a cron job fires next after ``now``, whether or not a scheduler runs here.

    None for unscheduled jobs and for interval jobs (their runs count from server start).
    """
    if not spec.scheduled or spec.interval_minutes is not None:
        return None
    trigger = _trigger(spec, timezone)
    now = now or datetime.now(trigger.timezone)
    return trigger.get_next_fire_time(None, now)


def next_run_times(app) -> dict[str, datetime | None]:
    """Next run time per scheduled job id, from this process's scheduler ({} when none runs)."""
    scheduler = scheduler_of(app)
    if scheduler is None or not scheduler.running:
        return {}
    return {job.id: job.next_run_time for job in scheduler.get_jobs()}

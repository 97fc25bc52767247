"""Job run history: the queries behind the admin page, the API and the CLI, and pruning."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import fn

from .. import dates
from ..clock import utcnow
from ..db import write_transaction
from ..errors import NotFound
from ..models import JobRun
from .registry import JobSpec
from .scheduler import next_run_times
from .state import registry_of, scheduler_of


@dataclass
class JobRow:
    """One registered job as the admin page and ``anihome job list`` show it."""

    spec: JobSpec
    next_run: datetime | None
    last_run: JobRun | None
    running: JobRun | None


local_time = dates.local  # a stored naive-UTC time in the household's time zone


def get_run(run_id: int) -> JobRun:
    """The run with ``run_id``, or NotFound."""
    run = JobRun.get_or_none(JobRun.id == run_id)
    if run is None:
        raise NotFound(f"no job run {run_id}")
    return run


def recent_runs(job_id: str | None = None, limit: int = 50) -> list[JobRun]:
    """The newest runs, of one job or of all, newest first."""
    query = JobRun.select().order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    if job_id is not None:
        query = query.where(JobRun.job_id == job_id)
    return list(query)


def latest_runs() -> dict[str, JobRun]:
    """The newest run of each job id that has run."""
    newest = (JobRun.select(JobRun.job_id, fn.MAX(JobRun.id).alias("last_id"))
              .group_by(JobRun.job_id))
    ids = [row.last_id for row in newest]
    return {run.job_id: run for run in JobRun.select().where(JobRun.id.in_(ids))} if ids else {}


def job_rows(app) -> list[JobRow]:
    """Every registered job with its next run (when scheduled here), last run and live run."""
    latest = latest_runs()
    upcoming = next_run_times(app)
    return [JobRow(spec=spec, next_run=upcoming.get(spec.id), last_run=latest.get(spec.id),
                   running=latest[spec.id] if spec.id in latest and latest[spec.id].status == "running" else None)
            for spec in registry_of(app).values()]


def scheduler_running(app) -> bool:
    scheduler = scheduler_of(app)
    return scheduler is not None and scheduler.running


def prune_history(days: int, keep: int, now: datetime | None = None) -> int:
    """Delete finished runs older than ``days`` beyond the newest ``keep`` of each job."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    deleted = 0
    job_ids = [row.job_id for row in JobRun.select(JobRun.job_id).distinct()]
    for job_id in job_ids:
        kept = (JobRun.select(JobRun.id).where(JobRun.job_id == job_id)
                .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(max(keep, 0)))
        keep_ids = [row.id for row in kept]
        query = JobRun.delete().where(JobRun.job_id == job_id, JobRun.started_at < cutoff,
                                      JobRun.status != "running")
        if keep_ids:
            query = query.where(JobRun.id.not_in(keep_ids))
        with write_transaction():
            deleted += query.execute()
    return deleted

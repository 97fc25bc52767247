"""A frequent job's idle runs fold into one history row; runs that did something stay."""
from __future__ import annotations

import json

from anihome.jobs.registry import JobSpec
from anihome.jobs.runner import run_job
from anihome.jobs.state import registry_of
from anihome.models import JobRun


def _register(app, work: list[int], coalesce: bool = True) -> None:
    def job(ctx):
        return {"sent": work.pop(0) if work else 0, "failed": 0}
    registry_of(app)["every-minute"] = JobSpec("every-minute", job, "Sends what is due.", interval_minutes=1,
                                               coalesce_idle=coalesce)


def _history(app):
    with app.extensions["anihome.db"].connection_context():
        return [json.loads(r.counts) for r in JobRun.select().where(JobRun.job_id == "every-minute").order_by(JobRun.id)]


def test_idle_scheduled_runs_of_a_coalescing_job_keep_one_row_between_runs_that_worked(app):
    work = [0, 0, 0, 2, 0, 0, 0, 0, 1]
    _register(app, work)
    for _ in range(11):
        run_job(app, "every-minute", "schedule")
    assert _history(app) == [
        {"sent": 0, "failed": 0, "idle_runs": 3},
        {"sent": 2, "failed": 0},
        {"sent": 0, "failed": 0, "idle_runs": 4},
        {"sent": 1, "failed": 0},
        {"sent": 0, "failed": 0, "idle_runs": 2},
    ]


def test_manual_runs_and_jobs_without_the_flag_keep_every_row(app):
    _register(app, [], coalesce=False)
    for _ in range(3):
        run_job(app, "every-minute", "schedule")
    assert len(_history(app)) == 3
    _register(app, [])
    run_job(app, "every-minute", "manual")
    run_job(app, "every-minute", "manual")
    assert len(_history(app)) == 5


def test_the_notification_sender_coalesces_its_idle_minutes(app):
    assert registry_of(app)["notify-deliver"].coalesce_idle

"""run_job records every run: success with counts, failure with scrubbed error, live progress."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from anihome import events
from anihome.clock import utcnow
from anihome.jobs import runner
from anihome.jobs.runner import (JobAlreadyRunning, UnknownJob, mark_interrupted_runs, run_job,
                                 start_job_in_background)
from anihome.models import JobRun

from .conftest import wait_for_run


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_successful_run_is_recorded_with_counts_and_full_progress(app, sample_jobs):
    run = run_job(app, "ok", "cli")

    assert run.status == "succeeded"
    assert run.trigger == "cli"
    assert json.loads(run.counts) == {"items": 4, "extra": 2}
    assert run.progress == 1.0
    assert run.progress_text == "step 4"
    assert run.finished_at >= run.started_at
    assert run.error is None
    assert run.pid == os.getpid()


def test_failed_run_records_the_error_without_secrets_and_logs_it(app, sample_jobs, caplog):
    with caplog.at_level(logging.ERROR, logger="anihome.jobs.runner"):
        run = run_job(app, "boom")

    assert run.status == "failed"
    assert run.error.startswith("RuntimeError: Kodik said no")
    assert "abc123secret" not in run.error and "token=***" in run.error
    assert json.loads(run.counts) == {"items": 1}
    failures = [r for r in caplog.records if "status=failed" in r.getMessage()]
    assert failures and failures[0].exc_info is not None


def test_progress_is_visible_while_the_job_runs(app, sample_jobs, gate):
    run = start_job_in_background(app, "held")
    assert gate.entered.wait(5)

    with app.extensions["anihome.db"].connection_context():
        live = JobRun.get_by_id(run.id)
    assert live.status == "running"
    assert live.progress == 0.5 and live.progress_text == "halfway there"

    gate.release.set()
    done = wait_for_run(app, run.id)
    assert done.status == "succeeded"
    assert json.loads(done.counts) == {"items": 7}


def test_progress_writes_are_throttled(app, sample_jobs, monkeypatch):
    writes = []
    real = runner.write_transaction

    def counting():
        writes.append(1)
        return real()

    def chatty(ctx):
        for _ in range(2000):
            ctx.count("ticks")
            ctx.progress(0.3, "busy")

    from anihome.jobs.registry import JobSpec
    sample_jobs["chatty"] = JobSpec("chatty", chatty, "Reports progress very often.")
    monkeypatch.setattr(runner, "write_transaction", counting)

    run = run_job(app, "chatty")

    assert json.loads(run.counts) == {"ticks": 2000}
    # begin + a first progress write + maybe one more within the window + finish
    assert len(writes) <= 5


def test_a_second_concurrent_run_of_the_same_job_is_refused(app, sample_jobs, gate):
    first = start_job_in_background(app, "held")
    assert gate.entered.wait(5)

    with pytest.raises(JobAlreadyRunning) as refused:
        run_job(app, "held")
    assert refused.value.run.id == first.id
    assert "already running" in refused.value.message

    other = run_job(app, "ok")  # a different job is not blocked
    assert other.status == "succeeded"

    gate.release.set()
    assert wait_for_run(app, first.id).status == "succeeded"
    with app.extensions["anihome.db"].connection_context():
        assert JobRun.select().where(JobRun.job_id == "held").count() == 1


def test_the_job_can_run_again_after_it_finished(app, sample_jobs):
    assert run_job(app, "ok").status == "succeeded"
    assert run_job(app, "ok").status == "succeeded"


def test_an_unknown_job_is_refused_with_the_known_names(app, sample_jobs):
    with pytest.raises(UnknownJob) as refused:
        run_job(app, "nope")
    assert "backup" in refused.value.message


def test_runs_left_running_by_a_dead_process_are_marked_interrupted(app, sample_jobs, gate):
    with app.extensions["anihome.db"].connection_context():
        dead = JobRun.create(job_id="ok", status="running", started_at=utcnow(), pid=_dead_pid())
        legacy = JobRun.create(job_id="boom", status="running", started_at=utcnow(), pid=None)
        orphan = JobRun.create(job_id="backup", status="running", started_at=utcnow(), pid=os.getpid())
    live = start_job_in_background(app, "held")
    assert gate.entered.wait(5)

    assert mark_interrupted_runs(app) == 3

    with app.extensions["anihome.db"].connection_context():
        statuses = {run.id: run.status for run in JobRun.select()}
        assert JobRun.get_by_id(dead.id).finished_at is not None
    assert statuses[dead.id] == statuses[legacy.id] == statuses[orphan.id] == "interrupted"
    assert statuses[live.id] == "running"
    gate.release.set()
    wait_for_run(app, live.id)


def test_a_run_left_by_a_dead_process_does_not_block_a_new_one(app, sample_jobs):
    with app.extensions["anihome.db"].connection_context():
        stale = JobRun.create(job_id="ok", status="running", started_at=utcnow(), pid=_dead_pid())

    run = run_job(app, "ok")

    assert run.status == "succeeded"
    with app.extensions["anihome.db"].connection_context():
        assert JobRun.get_by_id(stale.id).status == "interrupted"


def test_a_finished_run_sends_the_job_finished_signal(app, sample_jobs):
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    events.job_finished.connect(listener)
    try:
        run = run_job(app, "boom")
    finally:
        events.job_finished.disconnect(listener)
    assert received == [{"job_id": "boom", "status": "failed", "run_id": run.id}]


def test_serving_marks_runs_of_a_dead_process_interrupted_and_starts_the_scheduler(app, monkeypatch):
    import waitress

    from anihome.jobs.state import SCHEDULER_EXTENSION
    from anihome.serving.startup import serve

    with app.extensions["anihome.db"].connection_context():
        stale = JobRun.create(job_id="backup", status="running", started_at=utcnow(), pid=_dead_pid())
    seen = {}

    def fake_serve(served_app, **kwargs):
        seen["scheduler"] = served_app.extensions.get(SCHEDULER_EXTENSION)
        with app.extensions["anihome.db"].connection_context():
            seen["status"] = JobRun.get_by_id(stale.id).status

    monkeypatch.setattr(waitress, "serve", fake_serve)
    serve(app, port=1)

    assert seen["status"] == "interrupted"
    assert seen["scheduler"] is not None and not seen["scheduler"].running

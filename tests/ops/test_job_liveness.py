"""A stale "running" job never blocks its job: pid plus process start time, and a clear button."""
from __future__ import annotations

import subprocess
import sys

import pytest

from anihome.clock import utcnow
from anihome.jobs.liveness import process_identity, process_is
from anihome.jobs.runner import JobAlreadyRunning, begin_run, mark_interrupted_runs, run_job
from anihome.models import JobRun

from tests.conftest import make_user, sign_in, csrf_token


@pytest.fixture
def other_process():
    """A live process that is not this one (its pid stands for a reused pid)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield child
    child.kill()
    child.wait()


def _running_row(app, pid: int, identity: str | None, job_id: str = "housekeeping") -> JobRun:
    with app.extensions["anihome.db"].connection_context():
        return JobRun.create(job_id=job_id, trigger="schedule", status="running", started_at=utcnow(),
                             pid=pid, process_start=identity, counts="{}")


def test_a_run_whose_pid_was_reused_by_another_process_is_marked_interrupted(app, other_process):
    stale = _running_row(app, other_process.pid, "an-earlier-boot:12345")

    run = run_job(app, "housekeeping")

    assert run.status == "succeeded", run.error
    with app.extensions["anihome.db"].connection_context():
        assert JobRun.get_by_id(stale.id).status == "interrupted"


def test_a_run_of_a_live_process_with_the_same_start_time_still_blocks_its_job(app, other_process):
    _running_row(app, other_process.pid, process_identity(other_process.pid))

    with pytest.raises(JobAlreadyRunning):
        begin_run(app, "housekeeping")
    assert mark_interrupted_runs(app) == 0


def test_process_identity_changes_with_the_process_and_names_the_boot():
    me = process_identity(__import__("os").getpid())
    assert me and me.count(":") == 1 and me.split(":")[0]
    assert process_is(__import__("os").getpid(), me)
    assert not process_is(__import__("os").getpid(), "another-boot:1")


def test_a_new_run_records_its_process_identity(app):
    run = run_job(app, "housekeeping")
    assert run.process_start == process_identity(run.pid)


def test_an_admin_clears_a_stuck_run_from_its_page(app, client, other_process):
    stuck = _running_row(app, other_process.pid, process_identity(other_process.pid))
    make_user(app, "owner", "owner")
    sign_in(client, "owner")
    page = client.get(f"/admin/jobs/runs/{stuck.id}").get_data(as_text=True)
    assert 'id="clear-run"' in page

    answer = client.post(f"/admin/jobs/runs/{stuck.id}/clear", data={"csrf_token": csrf_token(client, "/admin/jobs/")})

    assert answer.status_code == 302
    with app.extensions["anihome.db"].connection_context():
        cleared = JobRun.get_by_id(stuck.id)
    assert cleared.status == "interrupted" and "Cleared by owner" in cleared.error
    assert run_job(app, "housekeeping").status == "succeeded"
    again = client.post(f"/admin/jobs/runs/{stuck.id}/clear", data={"csrf_token": csrf_token(client, "/admin/jobs/")})
    assert again.status_code == 302  # a finished run: a notice, nothing changes
    assert client.post("/admin/jobs/runs/999999/clear",
                       data={"csrf_token": csrf_token(client, "/admin/jobs/")}).status_code == 404


def test_a_member_cannot_clear_a_run(app, client, other_process):
    stuck = _running_row(app, other_process.pid, process_identity(other_process.pid))
    make_user(app, "owner", "owner")
    make_user(app, "masha", "member")
    sign_in(client, "masha")

    answer = client.post(f"/admin/jobs/runs/{stuck.id}/clear", data={"csrf_token": csrf_token(client, "/")})

    assert answer.status_code == 403
    with app.extensions["anihome.db"].connection_context():
        assert JobRun.get_by_id(stuck.id).status == "running"

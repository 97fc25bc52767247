"""The admin jobs page: jobs with schedules and history, "Run now", the run page, access rules."""
from __future__ import annotations

import json

from anihome.clock import utcnow
from anihome.jobs.runner import run_job
from anihome.models import JobRun

from .conftest import csrf_from, sign_in_as, wait_for_run


def _admin(client, people):
    sign_in_as(client, people["admin"])
    return client


def test_jobs_page_lists_every_job_with_schedule_and_history(app, client, people, sample_jobs):
    run_job(app, "boom")
    run_job(app, "ok")
    _admin(client, people)

    page = client.get("/admin/jobs/")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for job_id in ("backup", "housekeeping", "ok", "boom", "held"):
        assert f'data-job="{job_id}"' in html
    assert "Daily at 03:30" in html and "Every 5 min" in html and "On demand only" in html
    assert "not scheduled in this process" in html
    assert "RuntimeError: Kodik said no" in html and "abc123secret" not in html
    assert "items: <strong>4</strong>" in html
    assert html.count('class="badge badge-error"') >= 1 and 'class="badge badge-ok"' in html


def test_jobs_page_shows_next_runs_from_a_running_scheduler(app, client, people):
    from anihome.jobs.scheduler import start_scheduler, stop_scheduler

    _admin(client, people)
    start_scheduler(app)
    try:
        html = client.get("/admin/jobs/").get_data(as_text=True)
    finally:
        stop_scheduler(app, wait=True)
    assert "The scheduler is running in this process" in html
    assert "not scheduled in this process" not in html


def test_history_can_be_filtered_to_one_job(app, client, people, sample_jobs):
    run_job(app, "boom")
    run_job(app, "ok")
    _admin(client, people)

    html = client.get("/admin/jobs/?job=ok").get_data(as_text=True)
    assert "Runs of ok" in html
    assert 'data-run="' in html and "RuntimeError" not in html
    assert client.get("/admin/jobs/?job=nope").status_code == 404


def test_run_now_starts_the_job_and_shows_its_run_page(app, client, people, sample_jobs):
    _admin(client, people)
    token = csrf_from(client.get("/admin/jobs/").get_data(as_text=True))

    answer = client.post("/admin/jobs/ok/run", data={"csrf_token": token})

    assert answer.status_code == 302
    run_id = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    run = wait_for_run(app, run_id)
    assert (run.job_id, run.trigger, run.status) == ("ok", "manual", "succeeded")
    html = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Succeeded" in html and "items: <strong>4</strong>" in html and "Run again" in html


def test_run_now_of_a_running_job_shows_the_current_run(app, client, people, sample_jobs, gate):
    _admin(client, people)
    token = csrf_from(client.get("/admin/jobs/").get_data(as_text=True))
    first = client.post("/admin/jobs/held/run", data={"csrf_token": token})
    assert gate.entered.wait(5)

    second = client.post("/admin/jobs/held/run", data={"csrf_token": token})

    assert second.headers["Location"] == first.headers["Location"]
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "already running" in page and "halfway there" in page
    gate.release.set()
    with app.extensions["anihome.db"].connection_context():
        run_id = JobRun.get(JobRun.job_id == "held").id
        assert JobRun.select().where(JobRun.job_id == "held").count() == 1
    wait_for_run(app, run_id)


def test_run_now_without_a_csrf_token_is_refused_and_starts_nothing(app, client, people, sample_jobs):
    _admin(client, people)

    assert client.post("/admin/jobs/ok/run").status_code == 400
    with app.extensions["anihome.db"].connection_context():
        assert JobRun.select().count() == 0


def test_run_now_of_an_unknown_job_is_404(app, client, people):
    _admin(client, people)
    token = csrf_from(client.get("/admin/jobs/").get_data(as_text=True))
    assert client.post("/admin/jobs/nope/run", data={"csrf_token": token}).status_code == 404


def test_a_missing_run_is_404(app, client, people):
    _admin(client, people)
    assert client.get("/admin/jobs/runs/999").status_code == 404


def test_members_may_not_see_or_run_jobs(app, client, people, sample_jobs):
    with app.extensions["anihome.db"].connection_context():
        run = JobRun.create(job_id="ok", status="succeeded", started_at=utcnow(), counts=json.dumps({}))
    sign_in_as(client, people["member"])

    assert client.get("/admin/jobs/").status_code == 403
    assert client.get(f"/admin/jobs/runs/{run.id}").status_code == 403
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.post("/admin/jobs/ok/run", data={"csrf_token": token}).status_code == 403
    with app.extensions["anihome.db"].connection_context():
        assert JobRun.select().count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(app, client, people):
    answer = client.get("/admin/jobs/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_the_run_api_answers_admins_with_progress_and_refuses_members(app, client, people, sample_jobs, gate):
    from anihome.jobs.runner import start_job_in_background

    run = start_job_in_background(app, "held")
    assert gate.entered.wait(5)
    _admin(client, people)

    live = client.get(f"/api/v1/admin/jobs/runs/{run.id}")
    page = client.get(f"/admin/jobs/runs/{run.id}").get_data(as_text=True)

    assert live.status_code == 200
    body = live.get_json()
    assert (body["job_id"], body["status"], body["trigger"]) == ("held", "running", "manual")
    assert body["progress"] == 0.5 and body["progress_text"] == "halfway there"
    assert body["counts"] == {"items": 3} and body["finished_at"] is None
    assert body["started_at"].endswith("Z")
    assert f'data-poll-url="/api/v1/admin/jobs/runs/{run.id}"' in page
    gate.release.set()
    wait_for_run(app, run.id)
    done = client.get(f"/api/v1/admin/jobs/runs/{run.id}").get_json()
    assert done["status"] == "succeeded" and done["progress"] == 1.0 and done["counts"] == {"items": 7}

    assert client.get("/api/v1/admin/jobs/runs/999").get_json()["error"]["code"] == "not_found"
    sign_in_as(client, people["member"])
    assert client.get(f"/api/v1/admin/jobs/runs/{run.id}").status_code == 403

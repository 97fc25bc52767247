"""The scheduler runs only when started explicitly, with every scheduled job at most once at a time."""
from __future__ import annotations

import threading

import pytest

from anihome.jobs.registry import RegistryError, build_registry
from anihome.jobs.scheduler import _scheduled_run, next_run_times, start_scheduler, stop_scheduler
from anihome.jobs.state import SCHEDULER_EXTENSION, registry_of
from anihome.models import JobRun

from tests.conftest import make_app
from .conftest import wait_for_run


OWN_PROVIDERS = ("anihome.jobs.housekeeping", "anihome.jobs.backup")


def _scheduler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "APScheduler" and t.is_alive()]


def test_create_app_never_starts_a_scheduler(tmp_path):
    before = set(_scheduler_threads())

    app = make_app(tmp_path)
    registry_of(app)  # building the registry does not start anything either

    assert set(_scheduler_threads()) == before
    assert SCHEDULER_EXTENSION not in app.extensions
    assert next_run_times(app) == {}


def test_start_scheduler_adds_every_scheduled_job_once_and_can_be_stopped(app, sample_jobs):
    scheduler = start_scheduler(app)
    try:
        assert app.extensions[SCHEDULER_EXTENSION] is scheduler
        jobs = {job.id: job for job in scheduler.get_jobs()}
        expected = {spec.id for spec in registry_of(app).values() if spec.scheduled}
        assert set(jobs) == expected >= {"backup", "housekeeping", "ok"}
        for job in jobs.values():
            assert job.max_instances == 1
            assert job.coalesce is True
            assert job.misfire_grace_time >= 60
            assert job.next_run_time is not None
        assert set(next_run_times(app)) == expected
        assert _scheduler_threads()
        with pytest.raises(RuntimeError):
            start_scheduler(app)
    finally:
        stop_scheduler(app, wait=True)
    assert SCHEDULER_EXTENSION not in app.extensions
    assert not scheduler.running


def test_schedules_follow_the_household_time_zone(tmp_path):
    app = make_app(tmp_path, TIMEZONE="Europe/Moscow")
    scheduler = start_scheduler(app)
    try:
        backup = scheduler.get_job("backup")
        assert str(backup.next_run_time.tzinfo) == "Europe/Moscow"
        assert (backup.next_run_time.hour, backup.next_run_time.minute) == (3, 30)
    finally:
        stop_scheduler(app, wait=True)


def test_an_empty_schedule_setting_keeps_the_job_listed_but_unscheduled(tmp_path):
    registry = build_registry({"BACKUP_SCHEDULE": "", "HOUSEKEEPING_SCHEDULE": "off",
                               "DATABASE_URL": ""}, providers=OWN_PROVIDERS)
    assert set(registry) == {"backup", "housekeeping"}
    assert not registry["backup"].scheduled and registry["backup"].schedule_text == "manual"
    assert not registry["housekeeping"].scheduled


def test_a_bad_cron_setting_is_reported_with_its_name():
    with pytest.raises(RegistryError, match="BACKUP_SCHEDULE"):
        build_registry({"BACKUP_SCHEDULE": "61 * * * *", "HOUSEKEEPING_SCHEDULE": "",
                        "DATABASE_URL": ""}, providers=OWN_PROVIDERS)


def test_a_provider_registering_an_existing_id_is_refused():
    with pytest.raises(RegistryError, match="twice"):
        build_registry({"BACKUP_SCHEDULE": "", "HOUSEKEEPING_SCHEDULE": "", "DATABASE_URL": ""},
                       providers=("anihome.jobs.backup", "anihome.jobs.backup"))


def test_a_scheduled_run_is_recorded_with_the_schedule_trigger(app, sample_jobs):
    _scheduled_run(app, "ok")
    with app.extensions["anihome.db"].connection_context():
        run = JobRun.get(JobRun.job_id == "ok")
    assert (run.trigger, run.status) == ("schedule", "succeeded")


def test_a_scheduled_run_is_skipped_while_a_manual_run_is_in_progress(app, sample_jobs, gate):
    from anihome.jobs.runner import start_job_in_background

    manual = start_job_in_background(app, "held")
    assert gate.entered.wait(5)
    _scheduled_run(app, "held")  # no exception, no second row
    gate.release.set()
    wait_for_run(app, manual.id)
    with app.extensions["anihome.db"].connection_context():
        assert [r.trigger for r in JobRun.select().where(JobRun.job_id == "held")] == ["manual"]


def test_a_job_whose_time_passed_while_the_server_was_down_is_caught_up_soon(app):
    from datetime import datetime, timedelta, timezone

    from anihome.clock import utcnow
    from anihome.jobs.scheduler import CATCH_UP_DELAY, missed_jobs

    with app.extensions["anihome.db"].connection_context():
        # backup (daily 03:30) last ran three days ago; housekeeping has just run.
        JobRun.create(job_id="backup", status="succeeded", started_at=utcnow() - timedelta(days=3))
        JobRun.create(job_id="housekeeping", status="succeeded", started_at=utcnow())
    specs = [s for s in registry_of(app).values() if s.id in {"backup", "housekeeping"}]

    assert missed_jobs(app, specs, "UTC") == {"backup"}

    scheduler = start_scheduler(app)
    try:
        soon = datetime.now(timezone.utc) + CATCH_UP_DELAY + timedelta(seconds=5)
        assert scheduler.get_job("backup").next_run_time <= soon
        assert scheduler.get_job("housekeeping").next_run_time > soon
    finally:
        stop_scheduler(app, wait=True)


def test_a_job_that_never_ran_is_not_caught_up(app):
    from anihome.jobs.scheduler import missed_jobs

    specs = list(registry_of(app).values())
    assert missed_jobs(app, specs, "UTC") == set()


def test_an_interval_job_is_caught_up_when_its_interval_passed(app, sample_jobs):
    from datetime import timedelta

    from anihome.clock import utcnow
    from anihome.jobs.scheduler import missed_jobs

    with app.extensions["anihome.db"].connection_context():
        JobRun.create(job_id="ok", status="succeeded", started_at=utcnow() - timedelta(minutes=4))
    assert missed_jobs(app, [sample_jobs["ok"]], "UTC") == set()
    with app.extensions["anihome.db"].connection_context():
        JobRun.create(job_id="ok", status="failed", started_at=utcnow() - timedelta(minutes=6))
        JobRun.update(started_at=utcnow() - timedelta(minutes=7)).where(JobRun.status == "succeeded").execute()
    assert missed_jobs(app, [sample_jobs["ok"]], "UTC") == {"ok"}

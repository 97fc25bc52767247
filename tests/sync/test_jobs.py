"""The Kodik jobs: registration from settings, skipping without a token, one sync at a time."""
from anihome.jobs.registry import build_registry
from anihome.jobs.runner import begin_run, run_job
from anihome.kodik import jobs as kodik_jobs
from anihome.kodik import state
from anihome.models import JobRun, Release
from tests.conftest import make_app


def test_the_sync_jobs_follow_their_settings():
    registry = build_registry({"SYNC_INTERVAL_MINUTES": 15, "KODIK_FULL_SYNC_SCHEDULE": "30 2 * * 1"},
                              providers=("anihome.kodik.jobs",))
    assert registry["kodik-sync"].interval_minutes == 15 and registry["kodik-sync"].scheduled
    assert registry["kodik-full-sync"].cron == "30 2 * * 1" and registry["kodik-full-sync"].scheduled
    assert not registry["kodik-demo"].scheduled

    off = build_registry({"SYNC_INTERVAL_MINUTES": 0, "KODIK_FULL_SYNC_SCHEDULE": ""},
                         providers=("anihome.kodik.jobs",))
    assert not off["kodik-sync"].scheduled and not off["kodik-full-sync"].scheduled


def test_a_scheduled_sync_without_a_token_is_skipped_not_failed(app, db):
    run = run_job(app, "kodik-sync", "schedule")
    assert run.status == "succeeded" and run.counts_dict == {"skipped": 1}
    assert "no Kodik token" in run.progress_text


def test_a_manual_sync_without_a_token_fails_with_a_reason(app, db):
    run = run_job(app, "kodik-full-sync", "manual")
    assert run.status == "failed" and "No Kodik token" in run.error


def test_a_sync_is_refused_while_another_kodik_sync_runs(tmp_path, fake):
    app = make_app(tmp_path, KODIK_URL=fake.base_url, KODIK_TOKEN=fake.token, KODIK_MAX_RPS=0)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        other = begin_run(app, "kodik-full-sync", "manual")  # pretend it is in flight in this process
        try:
            manual = run_job(app, "kodik-sync", "manual")
            scheduled = run_job(app, "kodik-sync", "schedule")
        finally:
            JobRun.update(status="interrupted").where(JobRun.id == other.id).execute()
        assert manual.status == "failed" and "Another Kodik sync" in manual.error
        assert scheduled.status == "succeeded" and scheduled.counts_dict == {"skipped": 1}
        assert not Release.select().exists()


def test_the_job_records_sync_counts(tmp_path, fake):
    app = make_app(tmp_path, KODIK_URL=fake.base_url, KODIK_TOKEN=fake.token, KODIK_MAX_RPS=0)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        run = run_job(app, "kodik-full-sync", "cli")
        counts = run.counts_dict
        assert run.status == "succeeded", run.error
        assert counts["translations_new"] > 300 and counts["pages"] >= 4 and counts["total"] > 300
        assert counts["done"] == counts["total"]
        assert state.watermark() is not None
        assert kodik_jobs.INCREMENTAL_JOB == "kodik-sync"


def test_the_token_never_reaches_logs_runs_or_stored_state(tmp_path, fake, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    app = make_app(tmp_path, KODIK_URL=fake.base_url, KODIK_TOKEN=fake.token, KODIK_MAX_RPS=0)
    from tests.support.kodik import Fault

    fake.set_faults(Fault("error_json", message="Неправильный тип", after=2, path="/list"))
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        failed = run_job(app, "kodik-full-sync", "manual")
        fake.clear_faults()
        done = run_job(app, "kodik-full-sync", "manual")
        stored = [row for row in app.extensions["anihome.db"].execute_sql(
            "SELECT key, value FROM app_setting").fetchall()]
        runs = [(r.error or "") + r.counts + r.progress_text for r in JobRun.select()]
    assert failed.status == "failed" and done.status == "succeeded"
    assert fake.token not in caplog.text
    assert all(fake.token not in value for _, value in stored)
    assert all(fake.token not in text for text in runs)


def test_a_sync_left_running_by_a_dead_process_does_not_block_the_next_one(tmp_path, fake):
    from anihome.clock import utcnow

    app = make_app(tmp_path, KODIK_URL=fake.base_url, KODIK_TOKEN=fake.token, KODIK_MAX_RPS=0)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        dead = JobRun.create(job_id="kodik-full-sync", trigger="cli", status="running", started_at=utcnow(),
                             pid=2**22 + 12345, counts="{}")
        run = run_job(app, "kodik-sync", "schedule")
        assert run.status == "succeeded" and run.counts_dict.get("translations_new", 0) > 300
        assert JobRun.get_by_id(dead.id).status == "interrupted"

"""Housekeeping prunes old job runs (keeping the newest of each job) and old backups."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from anihome.clock import utcnow
from anihome.jobs.housekeeping import prune_backups
from anihome.jobs.runner import run_job
from anihome.models import JobRun

from tests.conftest import make_app


def _run(job_id: str, days_ago: float, status: str = "succeeded") -> JobRun:
    started = utcnow() - timedelta(days=days_ago)
    return JobRun.create(job_id=job_id, status=status, started_at=started,
                         finished_at=None if status == "running" else started)


def test_housekeeping_prunes_old_runs_but_keeps_the_newest_of_each_job(tmp_path):
    app = make_app(tmp_path, JOB_HISTORY_DAYS=30, JOB_HISTORY_KEEP=2)
    with app.extensions["anihome.db"].connection_context():
        sync_old = [_run("sync", 40 + i) for i in range(5)]
        sync_new = [_run("sync", 1), _run("sync", 2), _run("sync", 3)]
        rare = [_run("weekly", 90), _run("weekly", 97)]
        stuck = _run("stuck", 60, status="running")

    run = run_job(app, "housekeeping")

    assert run.status == "succeeded", run.error
    with app.extensions["anihome.db"].connection_context():
        left = {r.id for r in JobRun.select().where(JobRun.job_id != "housekeeping")}
    assert left == {r.id for r in sync_new + rare} | {stuck.id}
    assert not left & {r.id for r in sync_old}
    assert json.loads(run.counts)["runs_deleted"] == 5


def test_prune_backups_keeps_the_newest_of_each_family(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    names = ["pre-migration-v2-20260101-000000-000001.db", "pre-migration-v10-20260301-000000-000001.db",
             "pre-migration-v3-20260201-000000-000001.db",
             "anihome-20260101-033000-000001.db", "anihome-20260102-033000-000001.db",
             "anihome-20260103-033000-000001.db", "notes.txt", "mine.db"]
    for name in names:
        (folder / name).write_text("x")

    removed = prune_backups(folder, keep=2)

    assert sorted(p.name for p in removed) == ["anihome-20260101-033000-000001.db",
                                               "pre-migration-v2-20260101-000000-000001.db"]
    assert (folder / "pre-migration-v10-20260301-000000-000001.db").exists()
    assert (folder / "notes.txt").exists() and (folder / "mine.db").exists()


def test_housekeeping_prunes_backups_to_backup_keep(tmp_path):
    app = make_app(tmp_path, BACKUP_KEEP=1)
    for _ in range(3):
        run_job(app, "backup")
    folder = Path(app.config["DATA_DIR"]) / "backups"
    (folder / "pre-migration-v1-20200101-000000-000000.db").write_text("x")
    (folder / "pre-migration-v2-20200102-000000-000000.db").write_text("x")

    run = run_job(app, "housekeeping")

    assert json.loads(run.counts)["backups_deleted"] == 1
    assert len(list(folder.glob("anihome-*"))) == 1  # .db, or .dump on PostgreSQL
    assert [p.name for p in folder.glob("pre-migration-*.db")] == ["pre-migration-v2-20200102-000000-000000.db"]


def test_housekeeping_deletes_read_notifications_past_the_retention_and_keeps_the_rest(tmp_path):
    from anihome.models import Channel, Delivery, User
    from anihome.models.notify import Notification

    app = make_app(tmp_path, NOTIFY_RETENTION_DAYS=30)
    with app.extensions["anihome.db"].connection_context():
        user = User.create(username="m", username_key="m", password_hash="x", role="owner", created_at=utcnow())
        channel = Channel.create(user=user, kind="ntfy", name="phone", created_at=utcnow())

        def note(key, days_ago, read, pending=False):
            return Notification.create(user=user, kind="episodes", key=key, read=read, push_pending=pending,
                                       created_at=utcnow() - timedelta(days=days_ago))
        old_read = note("a", 40, True)
        Delivery.create(notification=old_read, channel=channel, user=user, status="sent",
                        created_at=utcnow() - timedelta(days=40), next_attempt_at=utcnow(), idempotency_key="k1")
        kept = [note("b", 40, False), note("c", 10, True), note("d", 40, True, pending=True)]

    run = run_job(app, "housekeeping")

    assert run.status == "succeeded", run.error
    assert json.loads(run.counts)["notifications_deleted"] == 1
    with app.extensions["anihome.db"].connection_context():
        assert {n.id for n in Notification.select()} == {n.id for n in kept}
        assert Delivery.select().count() == 0


def test_a_retention_of_zero_keeps_every_notification(tmp_path):
    from anihome.notify.inbox import prune

    app = make_app(tmp_path)
    with app.extensions["anihome.db"].connection_context():
        assert app.config["ANIHOME_SETTINGS"]["NOTIFY_RETENTION_DAYS"] == 90
        assert prune(0) == 0

"""A failed backup (or sync, or integrity check) reaches the owner: in the app and on their channels."""
import errno
import json

from anihome.jobs.runner import run_job
from anihome.models import Notification, User
from anihome.notify import render as rendering
from anihome.notify.channels import service as channels
from anihome.notify.delivery import Sender
from anihome.ops import backups as backups_module
from anihome.ops import pg_backups


def _break_backups(monkeypatch):
    def no_space(source, target):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups_module, "_copy", no_space)
    monkeypatch.setattr(pg_backups, "_run", lambda args, env: no_space(args, env))  # PostgreSQL: pg_dump


def _alerts():
    return list(Notification.select().where(Notification.kind == "job_failed"))


def test_a_failed_backup_notifies_the_owner_once_a_day_and_nobody_else(app, db, members, monkeypatch):
    owner = User.get(User.username == "owner")
    assert run_job(app, "backup").status == "succeeded"
    assert _alerts() == []
    _break_backups(monkeypatch)

    first = run_job(app, "backup")
    second = run_job(app, "backup")

    assert first.status == second.status == "failed"
    [alert] = _alerts()
    assert alert.user_id == owner.id
    assert json.loads(alert.data)["run_id"] == first.id
    shown = rendering.render(alert, "", "", "en")
    assert "backup" in shown.body and shown.link == f"/admin/jobs/runs/{first.id}"
    russian = rendering.render(alert, "", "", "ru")
    assert "backup" in russian.body and "задача" in russian.title.lower()


def test_a_job_without_the_alert_flag_fails_quietly(app, db, members, monkeypatch):
    from dataclasses import replace

    from anihome.jobs.state import registry_of

    def broken(ctx):
        raise RuntimeError("boom")

    registry = registry_of(app)
    assert not registry["notify-digest"].alert_owner
    registry["notify-digest"] = replace(registry["notify-digest"], function=broken)

    assert run_job(app, "notify-digest").status == "failed"
    assert _alerts() == []


def test_the_owners_push_channel_receives_the_failed_backup(app, db, members, monkeypatch, receiver):
    owner = User.get(User.username == "owner")
    settings = {**app.config["ANIHOME_SETTINGS"], "PUBLIC_URL": "http://anihome.lan"}
    channels.create(owner.id, {"kind": "webhook", "url": receiver.url + "/hook"}, settings)
    _break_backups(monkeypatch)

    run = run_job(app, "backup")
    counts = Sender(settings).run()

    assert counts["sent"] == 1
    [hit] = receiver.ok()
    body = json.loads(hit["body"])
    assert body["kind"] == "job_failed" and str(run.id) in json.dumps(body)

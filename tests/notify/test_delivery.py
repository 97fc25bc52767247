"""The outbox sender against local fake receivers: every channel kind, retries with backoff,
timeouts that hold up nobody else, quiet hours, and secrets that never leak."""
import hashlib
import hmac
import json
import logging
from datetime import datetime, timedelta

import pytest

from anihome.db import write_transaction
from anihome.models import Delivery, Notification
from anihome.notify import household, outbox, prefs
from anihome.notify.channels import service as channels
from anihome.notify.delivery import Sender
from tests.library.conftest import build_catalog

T0 = datetime(2026, 11, 30, 12, 0, 0)
BOT_TOKEN = "123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOpp"


@pytest.fixture
def cat(db, members):
    return build_catalog()


def settings_of(app, **extra):
    return {**app.config["ANIHOME_SETTINGS"], **extra}


def notify(user, cat, key="k1", episodes=(5,)):
    with write_transaction():
        return outbox.write([outbox.New(user.id, "episodes", key, cat.ongoing.id, cat.ongoing_tr.id, 1,
                                        list(episodes))], T0)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def test_each_channel_kind_receives_the_push_with_its_idempotency_key(app, cat, members, receiver, receiver2, smtp):
    alice = members[0]
    settings = settings_of(app, NOTIFY_TELEGRAM_API=receiver.url + "/tg", PUBLIC_URL="http://anihome.lan")
    household.save_smtp({"host": "127.0.0.1", "port": smtp.port, "security": "none", "sender": "ah@home.lan"})
    ntfy, _ = channels.create(alice.id, {"kind": "ntfy", "url": receiver.url, "topic": "anime", "token": "tk_secret_1"},
                              settings)
    hook, secret = channels.create(alice.id, {"kind": "webhook", "url": receiver2.url + "/hook"}, settings)
    channels.create(alice.id, {"kind": "telegram", "token": BOT_TOKEN, "chat_id": "42"}, settings)
    channels.create(alice.id, {"kind": "email", "address": "alice@home.lan"}, settings)
    [nid] = notify(alice, cat, episodes=(3, 4))

    counts = Sender(settings, clock=Clock(T0)).run()

    assert counts["sent"] == 4 and counts["failed"] == 0
    pushed = receiver.ok()
    ntfy_hit = next(r for r in pushed if r["path"] == "/anime")
    assert ntfy_hit["headers"]["Authorization"] == "Bearer tk_secret_1"
    assert ntfy_hit["body"].decode() == "Episodes 3–4 in AniLibria"
    assert ntfy_hit["headers"]["Click"] == f"http://anihome.lan/watch/{cat.ongoing.id}?translation={cat.ongoing_tr.id}&season=1&episode=3"
    assert ntfy_hit["headers"]["X-AniHome-Idempotency-Key"] == f"{nid}-{ntfy.id}"
    tg = next(r for r in pushed if r["path"].startswith("/tg/"))
    assert tg["path"] == f"/tg/bot{BOT_TOKEN}/sendMessage" and json.loads(tg["body"])["chat_id"] == "42"
    [hit] = receiver2.ok()
    expected = "sha256=" + hmac.new(secret.encode(), hit["body"], hashlib.sha256).hexdigest()
    assert hit["headers"]["X-AniHome-Signature"] == expected
    assert hit["headers"]["X-AniHome-Delivery"] == f"{nid}-{hook.id}"
    payload = json.loads(hit["body"])
    assert payload["kind"] == "episodes" and payload["episodes"] == [3, 4] and payload["release_id"] == cat.ongoing.id
    [mail] = smtp.messages
    assert mail.rcpt_tos == ["alice@home.lan"] and b"Ongoing Serial" in mail.content
    assert Delivery.select().where(Delivery.status == "sent").count() == 4
    assert Sender(settings, clock=Clock(T0 + timedelta(hours=1))).run()["sent"] == 0  # nothing twice


def test_a_failing_receiver_is_retried_after_1_5_30_and_120_minutes_then_marked_failed(
        app, cat, members, receiver, receiver2):
    alice = members[0]
    settings = settings_of(app)
    channels.create(alice.id, {"kind": "ntfy", "url": receiver.url, "topic": "down"}, settings)
    channels.create(alice.id, {"kind": "ntfy", "url": receiver2.url, "topic": "up"}, settings)
    receiver.script = [500, 502, 503, 500, 500]
    notify(alice, cat)
    clock = Clock(T0)
    sender = lambda: Sender(settings, clock=clock).run()  # noqa: E731

    first = sender()
    assert first["sent"] == 1 and first["retried"] == 1  # the healthy channel is not held up
    assert len(receiver2.ok()) == 1
    waits = []
    for _ in (1, 5, 30, 120):
        row = Delivery.get(Delivery.status == "pending")
        waits.append(round((row.next_attempt_at - clock.now).total_seconds() / 60))
        clock.now = row.next_attempt_at - timedelta(seconds=1)
        assert sender()["retried"] == 0  # not due yet
        clock.now = row.next_attempt_at
        sender()
    assert waits == [1, 5, 30, 120]
    failed = Delivery.get(Delivery.channel != Delivery.select(Delivery.channel).where(Delivery.status == "sent"))
    assert failed.status == "failed" and failed.attempts == 5 and failed.last_error.startswith("HTTP 500")
    assert len(receiver.requests) == 5


def test_a_receiver_that_refuses_or_redirects_fails_at_once(app, cat, members, receiver):
    alice = members[0]
    settings = settings_of(app)
    channels.create(alice.id, {"kind": "webhook", "url": receiver.url}, settings)
    receiver.script = [302]
    notify(alice, cat)
    assert Sender(settings, clock=Clock(T0)).run()["failed"] == 1
    row = Delivery.get()
    assert row.status == "failed" and "redirects are not followed" in row.last_error


def test_a_hanging_receiver_times_out_without_holding_up_the_other_channels(app, cat, members, receiver, receiver2):
    alice, bob = members[:2]
    settings = settings_of(app)
    channels.create(alice.id, {"kind": "ntfy", "url": receiver.url, "topic": "slow"}, settings)
    channels.create(bob.id, {"kind": "ntfy", "url": receiver2.url, "topic": "fast"}, settings)
    receiver.script = [("hang", 8)]
    notify(alice, cat, key="a1")
    notify(alice, cat, key="a2")
    for n in range(5):
        notify(bob, cat, key=f"b{n}")

    counts = Sender(settings, clock=Clock(T0)).run()

    assert counts["sent"] == 5 and counts["retried"] == 1
    assert len(receiver2.ok()) == 5
    slow = Delivery.get(Delivery.attempts == 1, Delivery.status == "pending")
    assert "no answer within 5 s" in slow.last_error
    # the second push to the slow channel waits for the next run, untouched
    assert Delivery.select().where(Delivery.user == alice.id, Delivery.attempts == 0).count() == 1


def test_quiet_hours_hold_pushes_until_they_end_in_the_household_time_zone(app, cat, members, receiver):
    alice = members[0]
    settings = settings_of(app, TIMEZONE="Europe/Moscow")  # UTC+3
    channels.create(alice.id, {"kind": "ntfy", "url": receiver.url, "topic": "night"}, settings)
    prefs.update(alice.id, {"quiet_start": "22:00", "quiet_end": "08:00"})
    notify(alice, cat)
    night = Clock(datetime(2026, 11, 30, 20, 30))  # 23:30 in Moscow

    assert Sender(settings, clock=night).run()["held"] == 1
    assert receiver.requests == []
    assert Notification.get().read is False  # the app shows it at once
    row = Delivery.get()
    assert row.status == "pending" and row.next_attempt_at == datetime(2026, 12, 1, 5, 0)  # 08:00 Moscow
    night.now = datetime(2026, 12, 1, 4, 59)
    assert Sender(settings, clock=night).run()["sent"] == 0
    night.now = datetime(2026, 12, 1, 5, 0)
    assert Sender(settings, clock=night).run()["sent"] == 1
    assert len(receiver.ok()) == 1


def test_a_channel_kind_the_owner_forbids_stops_receiving(app, cat, members, receiver):
    alice = members[0]
    settings = settings_of(app)
    channels.create(alice.id, {"kind": "ntfy", "url": receiver.url, "topic": "t"}, settings)
    receiver.script = [500]
    notify(alice, cat, key="before")
    assert Sender(settings, clock=Clock(T0)).run()["retried"] == 1
    household.set_allowed_kinds(["webhook", "email"])
    notify(alice, cat, key="after")  # no delivery is made for a forbidden kind

    counts = Sender(settings, clock=Clock(T0 + timedelta(minutes=2))).run()

    assert counts["failed"] == 1 and len(receiver.requests) == 1
    assert Delivery.select().count() == 1
    assert "no longer allows" in Delivery.get().last_error


@pytest.fixture
def debug_log(app):
    """The real log file at DEBUG level (AniHome's handlers, removed afterwards)."""
    from anihome.serving.logging_setup import _HANDLER_MARK, configure_logging

    root = logging.getLogger()
    level = root.level
    data_dir = app.config["DATA_DIR"]
    configure_logging(data_dir, "DEBUG")
    yield lambda: [h.flush() for h in root.handlers] and (
        __import__("pathlib").Path(data_dir) / "logs" / "anihome.log").read_text(encoding="utf-8")
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    logging.getLogger("peewee").setLevel(logging.NOTSET)


def test_secrets_never_reach_the_log_the_delivery_row_or_the_api(app, client, cat, members, debug_log):
    from anihome.accounts import tokens

    alice = members[0]
    settings = settings_of(app, NOTIFY_TELEGRAM_API="http://127.0.0.1:9")  # nothing listens: connection refused
    plaintext, _ = tokens.create(alice, "tests")
    auth = {"Authorization": f"Bearer {plaintext}"}
    made = client.post("/api/v1/channels", json={"kind": "telegram", "name": "tg", "token": BOT_TOKEN,
                                                 "chat_id": "42"}, headers=auth)
    assert made.status_code == 201, made.get_json()
    hook = client.post("/api/v1/channels", json={"kind": "webhook", "url": "http://127.0.0.1:9/h"}, headers=auth)
    secret = hook.get_json()["secret"]
    assert secret.startswith("whsec_")
    ntfy = client.post("/api/v1/channels", json={"kind": "ntfy", "url": "http://127.0.0.1:9", "topic": "x",
                                                 "token": "tk_ntfy_hidden"}, headers=auth)
    assert ntfy.status_code == 201
    notify(alice, cat)

    Sender(settings, clock=Clock(T0)).run()
    test = client.post(f"/api/v1/channels/{made.get_json()['channel']['id']}/test", headers=auth)

    assert test.get_json()["ok"] is False
    listing = client.get("/api/v1/channels", headers=auth).get_data(as_text=True)
    errors = " ".join(d.last_error for d in Delivery.select())
    assert "could not connect" in errors
    logged = debug_log()
    assert "notify delivery will retry" in logged and "urllib3" in logged  # DEBUG lines were written
    for text in (logged, listing, errors, test.get_data(as_text=True)):
        for hidden in (BOT_TOKEN, secret, "tk_ntfy_hidden"):
            assert hidden not in text
    assert '"secret_set": true' in listing.replace('"secret_set":true', '"secret_set": true')

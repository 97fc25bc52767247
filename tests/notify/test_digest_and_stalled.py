"""The weekly digest (its content, its day and hour, silence when there is nothing to say) and
the dub-stalled rule with its one-click switch."""
from datetime import datetime, timedelta

import pytest

from anihome.db import write_transaction
from anihome.library import lists, progress
from anihome.models import Notification, ReleaseChoice, Translation
from anihome.notify import digest, inbox, outbox, prefs, stalled, subscriptions
from anihome.notify.delivery import Sender
from anihome.notify.channels import service as channels
from tests.library.conftest import build_catalog, make_translation, meta_csrf
from tests.support.web import sign_in_as

NOW = datetime(2026, 11, 30, 9, 0)  # a Monday, 12:00 in Moscow


@pytest.fixture
def cat(db, members):
    return build_catalog()


def settings_of(app, **extra):
    return {**app.config["ANIHOME_SETTINGS"], "TIMEZONE": "Europe/Moscow", **extra}


def write(*items):
    with write_transaction():
        outbox.write(list(items), NOW - timedelta(days=1))


def test_the_digest_lists_new_episodes_finished_releases_and_what_the_household_started(
        app, cat, members, receiver):
    alice, bob, carol = members
    settings = settings_of(app)
    prefs.update(alice.id, {"digest_day": 0, "digest_hour": 12})
    write(outbox.New(alice.id, "episodes", "e1", cat.ongoing.id, cat.ongoing_tr.id, 1, [3]),
          outbox.New(alice.id, "episodes", "e2", cat.ongoing.id, cat.ongoing_tr.id, 1, [4]),
          outbox.New(alice.id, "airing_finished", "f1", cat.serial.id))
    channels.create(alice.id, {"kind": "ntfy", "url": receiver.url, "topic": "week"}, settings)
    lists.set_entry(bob.id, cat.movie.id, {"status": "watching"}, now=NOW - timedelta(days=2))

    counts = digest.send_digests(settings, NOW)

    assert counts == {"sent": 1, "empty": 0}
    [note] = Notification.select().where(Notification.user == alice.id, Notification.kind == "digest")
    [item] = inbox.with_text([note])
    assert item.text.body.splitlines() == ["Ongoing Serial: episodes 3–4 in AniLibria",
                                           "Finished Serial finished airing. Rate it?",
                                           "bob started A Movie"]
    assert Sender(settings, clock=lambda: NOW).run()["sent"] == 1
    assert receiver.ok()[0]["body"].decode().startswith("Ongoing Serial: episodes 3–4")
    assert digest.send_digests(settings, NOW + timedelta(minutes=30)) == {"sent": 0, "empty": 0}  # once a week


def test_a_week_with_nothing_to_say_sends_nothing(app, cat, members):
    alice, bob, carol = members
    prefs.update(carol.id, {"digest_day": 0, "digest_hour": 12})
    assert digest.send_digests(settings_of(app), NOW) == {"sent": 0, "empty": 1}
    assert Notification.select().count() == 0


def test_the_digest_waits_for_the_members_day_and_hour_in_the_household_time_zone(app, cat, members):
    alice = members[0]
    prefs.update(alice.id, {"digest_day": 0, "digest_hour": 13})
    write(outbox.New(alice.id, "airing_finished", "f1", cat.serial.id))
    assert digest.send_digests(settings_of(app), NOW) == {"sent": 0, "empty": 0}  # 12:00 in Moscow
    assert digest.send_digests(settings_of(app), NOW + timedelta(hours=1))["sent"] == 1


@pytest.fixture
def two_dubs(cat):
    """The ongoing serial's AniLibria dub stuck at episode 2 for 10 days; another dub at episode 4."""
    Translation.update(kodik_updated_at=NOW - timedelta(days=10), last_episode=2).where(
        Translation.id == cat.ongoing_tr.id).execute()
    ahead = make_translation(cat.ongoing, "serial-9", "Fast Dub", "//kodik.test/serial/9/zzz/720p",
                             last_season=1, last_episode=4, episodes_count=4, kodik_updated_at=NOW - timedelta(days=1))
    return cat.ongoing_tr, ahead


def test_a_stalled_dub_is_reported_once_with_a_switch_to_the_dub_ahead(app, client, cat, members, two_dubs):
    alice, bob = members[:2]
    mine, ahead = two_dubs
    subscriptions.follow(alice.id, cat.ongoing.id)
    progress.choose_translation(alice.id, cat.ongoing.id, mine.id)
    subscriptions.follow(bob.id, cat.ongoing.id, [ahead.id])  # bob watches the dub that is ahead

    assert stalled.notify_stalls(settings_of(app), NOW) == 1
    assert stalled.notify_stalls(settings_of(app), NOW + timedelta(days=1)) == 0  # same stall: once
    [note] = Notification.select().where(Notification.kind == "dub_stalled")
    assert note.user_id == alice.id
    [item] = inbox.with_text([note])
    assert "AniLibria has not added an episode for 10 days; Fast Dub is ahead (episode 4)" in item.text.body

    sign_in_as(client, alice)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Switch to Fast Dub" in page
    answer = client.post(f"/notifications/{note.id}/switch", data={"csrf_token": meta_csrf(client)})

    assert answer.status_code == 302 and f"translation={ahead.id}" in answer.headers["Location"]
    assert ReleaseChoice.get(ReleaseChoice.user == alice.id).translation_id == ahead.id
    assert Notification.get_by_id(note.id).read


def test_a_dub_that_updated_recently_is_not_stalled(app, cat, members, two_dubs):
    alice = members[0]
    mine, ahead = two_dubs
    Translation.update(kodik_updated_at=NOW - timedelta(days=3)).where(Translation.id == mine.id).execute()
    subscriptions.follow(alice.id, cat.ongoing.id, [mine.id])
    assert stalled.notify_stalls(settings_of(app), NOW) == 0
    assert stalled.notify_stalls(settings_of(app, NOTIFY_DUB_STALLED_DAYS=2), NOW) == 1

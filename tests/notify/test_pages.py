"""The notification pages: the bell's count, the grouped list and its actions, follow buttons,
the settings page (a webhook secret shown once), and the owner's controls."""
import re

import pytest

from anihome.db import write_transaction
from anihome.models import Channel, Notification, Subscription
from anihome.notify import household, outbox, subscriptions
from tests.library.conftest import build_catalog, meta_csrf
from tests.support.web import sign_in_as


@pytest.fixture
def cat(db, members):
    return build_catalog()


def _bell(html):
    match = re.search(r'data-unread-count>([^<]+)<', html)
    return match.group(1) if match else None


def _note(user, cat, key, **extra):
    with write_transaction():
        return outbox.write([outbox.New(user.id, "episodes", key, cat.ongoing.id, cat.ongoing_tr.id, 1, [5],
                                        **extra)])[0]


def _bell_after_api(client):
    """The page's bell count once the API has answered the count (and so cached it)."""
    first = client.get("/").get_data(as_text=True)
    unread = client.get("/api/v1/notifications/unread-count").get_json()["unread"]
    again = _bell(client.get("/").get_data(as_text=True))
    return first, unread, again


def test_the_bell_counts_unread_and_the_page_marks_read_deletes_and_opens(client, cat, members):
    alice = members[0]
    first = _note(alice, cat, "a")
    second = _note(alice, cat, "b")
    sign_in_as(client, alice)
    html, unread, bell = _bell_after_api(client)
    assert "data-unread-fetch" in html and _bell(html) is None  # not cached: the page asks the API
    assert unread == 2 and bell == "2"  # cached: the page shows it without asking
    page = client.get("/notifications").get_data(as_text=True)
    assert "Today" in page and "Episode 5 in AniLibria" in page and "Mark all read" in page
    token = meta_csrf(client)

    opened = client.get(f"/notifications/{first}/open")
    assert opened.status_code == 302
    assert opened.headers["Location"].endswith(f"/watch/{cat.ongoing.id}?translation={cat.ongoing_tr.id}&season=1&episode=5")
    assert _bell_after_api(client)[1:] == (1, "1")  # reading dropped the cached count
    client.post("/notifications/read", data={"csrf_token": token})
    assert _bell_after_api(client)[1:] == (0, None)
    client.post(f"/notifications/{second}/delete", data={"csrf_token": token})
    assert [n.id for n in Notification.select()] == [first]
    assert client.get(f"/notifications/{second}/open").status_code == 404


def test_new_notifications_from_a_sync_or_a_digest_drop_the_cached_count(app, client, cat, members):
    from anihome import events
    from anihome.cache import get_cache

    alice = members[0]
    _note(alice, cat, "a")
    sign_in_as(client, alice)
    assert _bell_after_api(client)[1:] == (1, "1")
    _note(alice, cat, "b")  # written inside a sync chunk: no per-member signal ...
    events.catalog_changed.send(None, release_ids=[cat.ongoing.id])  # ... the chunk's commit signal drops it
    assert get_cache(app).get(f"notify:unread:{alice.id}") is None
    assert _bell_after_api(client)[1:] == (2, "2")


def test_unfollow_is_one_click_from_the_notification_and_from_the_release_page(client, cat, members):
    alice = members[0]
    subscriptions.follow(alice.id, cat.ongoing.id)
    note = _note(alice, cat, "a")
    sign_in_as(client, alice)
    token = meta_csrf(client)
    client.post(f"/notifications/{note}/unfollow", data={"csrf_token": token})
    assert Subscription.select().count() == 0

    release = client.get(f"/releases/{cat.serial.id}").get_data(as_text=True)
    assert "Follow new episodes" in release and "Only some dubs" in release  # two dubs to choose from
    client.post(f"/releases/{cat.serial.id}/follow", data={"csrf_token": token, "translation": [str(cat.voice.id)]})
    assert Subscription.get().translation_ids == [cat.voice.id]
    release = client.get(f"/releases/{cat.serial.id}").get_data(as_text=True)
    assert "Following" in release and "Unfollow" in release
    client.post(f"/releases/{cat.serial.id}/unfollow", data={"csrf_token": token})
    assert Subscription.select().count() == 0


def test_a_new_webhook_shows_its_secret_once_and_bad_input_keeps_the_form(client, cat, members):
    alice = members[0]
    sign_in_as(client, alice)
    token = meta_csrf(client)
    made = client.post("/account/notifications/channels", data={"csrf_token": token, "kind": "webhook",
                                                                "name": "Home Assistant", "url": "http://ha.lan/hook"})
    assert made.status_code == 201
    secret = re.search(r"data-webhook-secret>(whsec_[^<]+)<", made.get_data(as_text=True)).group(1)
    assert Channel.get().secret == secret
    assert secret not in client.get("/account/notifications/").get_data(as_text=True)

    bad = client.post("/account/notifications/channels", data={"csrf_token": token, "kind": "ntfy",
                                                               "url": "gopher://x", "topic": "t"})
    assert bad.status_code == 400 and "Only http:// and https:// URLs are allowed." in bad.get_data(as_text=True)
    assert Channel.select().count() == 1

    saved = client.post("/account/notifications/prefs", data={"csrf_token": token, "quiet_start": "23:00",
                                                              "quiet_end": "", "digest_day": "", "digest_hour": "9"})
    assert saved.status_code == 400 and "both a start and an end" in saved.get_data(as_text=True)


def test_members_do_not_see_the_owners_controls(client, cat, members):
    sign_in_as(client, members[0])
    assert client.get("/admin/notifications/").status_code == 403


def test_the_owner_sets_kinds_and_smtp_and_the_smtp_password_is_never_shown(client, cat, members):
    from anihome.models import User

    owner = User.get(User.username == "owner")
    sign_in_as(client, owner)
    token = meta_csrf(client)
    answer = client.post("/admin/notifications/smtp", data={
        "csrf_token": token, "host": "smtp.home.lan", "port": "587", "security": "starttls", "username": "ah",
        "password": "smtp-pass-123", "sender": "ah@home.lan"})
    assert answer.status_code == 302
    page = client.get("/admin/notifications/").get_data(as_text=True)
    assert "smtp.home.lan" in page and "smtp-pass-123" not in page
    client.post("/admin/notifications/smtp", data={"csrf_token": token, "host": "smtp.home.lan", "port": "587",
                                                   "security": "starttls", "sender": "ah@home.lan"})
    assert household.smtp_settings().password == "smtp-pass-123"  # an empty password keeps the stored one
    bad = client.post("/admin/notifications/smtp", data={"csrf_token": token, "host": "smtp.home.lan",
                                                         "port": "99999", "security": "starttls", "sender": "x@y"})
    assert bad.status_code == 400 and "between 1 and 65535" in bad.get_data(as_text=True)
    client.post("/admin/notifications/kinds", data={"csrf_token": token, "kind": ["ntfy", "webhook"]})
    assert household.allowed_kinds() == ("ntfy", "webhook")

"""The notifications API: notifications, subscriptions and channels, the caller's own only, with
clear 4xx answers naming the field for bad input."""
import pytest

from anihome.accounts import tokens
from anihome.db import write_transaction
from anihome.models import Channel, Notification, Subscription
from anihome.notify import household, outbox
from tests.library.conftest import build_catalog


@pytest.fixture
def cat(db, members):
    return build_catalog()


@pytest.fixture
def auth(members):
    return {"Authorization": f"Bearer {tokens.create(members[0], 'tests')[0]}"}


@pytest.fixture
def bob_auth(members):
    return {"Authorization": f"Bearer {tokens.create(members[1], 'tests')[0]}"}


def _notes(user, n=3):
    with write_transaction():
        return outbox.write([outbox.New(user.id, "episodes", f"k{i}", None, None, 1, [i]) for i in range(n)])


def test_notifications_page_count_and_mark_read(client, cat, members, auth, bob_auth):
    alice = members[0]
    ids = _notes(alice)
    assert client.get("/api/v1/notifications/unread-count", headers=auth).get_json() == {"unread": 3}
    page = client.get("/api/v1/notifications?per_page=2", headers=auth).get_json()
    assert page["total"] == 3 and page["pages"] == 2
    first = page["items"][0]
    assert set(first) >= {"id", "kind", "release_id", "translation_id", "episodes", "read", "created_at"}
    assert first["episodes"] == [2] and first["read"] is False

    assert client.post("/api/v1/notifications/read", json={"ids": [ids[0]]}, headers=auth).get_json() == {"updated": 1}
    assert client.get("/api/v1/notifications?unread=true", headers=auth).get_json()["total"] == 2
    assert client.post("/api/v1/notifications/read", json={"ids": [ids[1]]}, headers=bob_auth).get_json() == \
        {"updated": 0}  # not bob's
    assert client.post("/api/v1/notifications/read", json={"all": True}, headers=auth).get_json() == {"updated": 2}
    assert client.get("/api/v1/notifications/unread-count", headers=auth).get_json() == {"unread": 0}
    assert client.delete(f"/api/v1/notifications/{ids[0]}", headers=bob_auth).status_code == 404
    assert client.delete(f"/api/v1/notifications/{ids[0]}", headers=auth).status_code == 204
    assert Notification.select().count() == 2


@pytest.mark.parametrize("body,field", [({}, "ids"), ({"ids": []}, "ids"), ({"ids": ["x"]}, "ids"),
                                        ({"all": "maybe"}, "all"), ({"idz": [1]}, "idz")])
def test_marking_read_with_a_bad_body_names_the_field(client, cat, auth, body, field):
    answer = client.post("/api/v1/notifications/read", json=body, headers=auth)
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == field


def test_subscriptions_follow_some_dubs_change_and_unfollow(client, cat, auth):
    rid = cat.serial.id
    assert client.get(f"/api/v1/subscriptions/{rid}", headers=auth).status_code == 404
    put = client.put(f"/api/v1/subscriptions/{rid}", json={"translations": [cat.voice.id]}, headers=auth)
    assert put.status_code == 200 and put.get_json()["translations"] == [cat.voice.id]
    put = client.put(f"/api/v1/subscriptions/{rid}", headers=auth)  # no body: every dub
    assert put.get_json()["translations"] is None
    listing = client.get("/api/v1/subscriptions", headers=auth).get_json()
    assert listing["total"] == 1 and listing["items"][0]["release_id"] == rid
    assert client.delete(f"/api/v1/subscriptions/{rid}", headers=auth).status_code == 204
    assert Subscription.select().count() == 0


@pytest.mark.parametrize("body,status,field", [
    ({"translations": "all"}, 400, "translations"),
    ({"translations": [True]}, 400, "translations"),
    ({"translations": [999999]}, 400, "translations"),
    ({"dubs": []}, 400, "dubs"),
])
def test_following_with_bad_dubs_is_refused(client, cat, auth, body, status, field):
    answer = client.put(f"/api/v1/subscriptions/{cat.serial.id}", json=body, headers=auth)
    assert answer.status_code == status and answer.get_json()["error"]["field"] == field
    assert Subscription.select().count() == 0


def test_following_an_unknown_release_or_a_dub_of_another_release_is_refused(client, cat, auth):
    assert client.put("/api/v1/subscriptions/999999", headers=auth).status_code == 404
    answer = client.put(f"/api/v1/subscriptions/{cat.serial.id}", json={"translations": [cat.movie_tr.id]},
                        headers=auth)
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "translations"


@pytest.mark.parametrize("body,field", [
    ({"kind": "pager"}, "kind"),
    ({"kind": "ntfy", "url": "ftp://ntfy.lan", "topic": "a"}, "url"),
    ({"kind": "ntfy", "url": "file:///etc/passwd", "topic": "a"}, "url"),
    ({"kind": "ntfy", "url": "http://", "topic": "a"}, "url"),
    ({"kind": "ntfy", "url": "http://ntfy.lan", "topic": "no spaces"}, "topic"),
    ({"kind": "webhook", "url": "javascript:alert(1)"}, "url"),
    ({"kind": "telegram", "token": "nope", "chat_id": "1"}, "token"),
    ({"kind": "telegram", "token": "123456:AAbbCCddEEffGGhhIIjjKKll", "chat_id": "abc"}, "chat_id"),
    ({"kind": "email", "address": "not-an-address"}, "address"),
    ({"kind": "email", "address": "a@b.c", "colour": "red"}, "colour"),
])
def test_bad_channels_are_refused_naming_the_field(client, cat, auth, body, field):
    answer = client.post("/api/v1/channels", json=body, headers=auth)
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json()["error"]["field"] == field
    assert Channel.select().count() == 0


def test_the_allow_list_and_the_owners_kinds_limit_channels(app, client, cat, auth):
    app.config["ANIHOME_SETTINGS"]["NOTIFY_ALLOWED_HOSTS"] = "ntfy.lan, hooks.lan"
    outside = client.post("/api/v1/channels", json={"kind": "webhook", "url": "http://192.168.1.1/admin"}, headers=auth)
    assert outside.status_code == 400 and "allow-list" in outside.get_json()["error"]["message"]
    inside = client.post("/api/v1/channels", json={"kind": "webhook", "url": "https://HOOKS.lan/x"}, headers=auth)
    assert inside.status_code == 201
    household.set_allowed_kinds(["ntfy"])
    forbidden = client.post("/api/v1/channels", json={"kind": "email", "address": "a@b.lan"}, headers=auth)
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["field"] == "kind"


def test_channels_change_test_and_remove_only_ones_own(client, cat, auth, bob_auth, receiver):
    made = client.post("/api/v1/channels", json={"kind": "ntfy", "name": "Phone", "url": receiver.url,
                                                  "topic": "t1", "token": "tk_1"}, headers=auth)
    assert made.status_code == 201
    body = made.get_json()
    cid = body["channel"]["id"]
    assert body["secret"] is None and body["channel"]["secret_set"] is True and "tk_1" not in made.get_data(as_text=True)
    assert client.patch(f"/api/v1/channels/{cid}", json={"enabled": False}, headers=bob_auth).status_code == 404
    changed = client.patch(f"/api/v1/channels/{cid}", json={"enabled": False, "name": "Old phone"}, headers=auth)
    assert changed.get_json()["enabled"] is False and changed.get_json()["name"] == "Old phone"
    assert client.patch(f"/api/v1/channels/{cid}", json={"enabled": "no"}, headers=auth).status_code == 400
    tested = client.post(f"/api/v1/channels/{cid}/test", headers=auth).get_json()
    assert tested == {"ok": True, "detail": "sent"} and receiver.ok()[0]["path"] == "/t1"
    receiver.script = [500]
    failed = client.post(f"/api/v1/channels/{cid}/test", headers=auth).get_json()
    assert failed["ok"] is False and failed["detail"].startswith("HTTP 500")
    assert client.post(f"/api/v1/channels/{cid}/test", headers=bob_auth).status_code == 404
    assert client.delete(f"/api/v1/channels/{cid}", headers=bob_auth).status_code == 404
    assert client.delete(f"/api/v1/channels/{cid}", headers=auth).status_code == 204
    assert client.get("/api/v1/channels", headers=auth).get_json() == {"items": []}

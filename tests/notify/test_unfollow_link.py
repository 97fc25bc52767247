"""Every push and e-mail about a followed release carries a signed unfollow link: opening it
changes nothing, its page's button unfollows without signing in, a forged or altered link is a 404."""
import json
import re
from datetime import datetime
from email import message_from_bytes, policy

import pytest

from anihome.db import write_transaction
from anihome.models import Subscription
from anihome.notify import household, outbox, subscriptions, unfollow_links
from anihome.notify.channels import service as channels
from anihome.notify.delivery import Sender
from tests.library.conftest import build_catalog

T0 = datetime(2026, 11, 30, 12, 0, 0)
BOT_TOKEN = "123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOpp"


@pytest.fixture
def cat(db, members):
    return build_catalog()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_pushes_and_e_mails_carry_a_working_unfollow_link(app, client, cat, members, receiver, receiver2, smtp):
    alice = members[0]
    settings = {**app.config["ANIHOME_SETTINGS"], "PUBLIC_URL": "http://anihome.lan",
                "NOTIFY_TELEGRAM_API": receiver.url + "/tg"}
    household.save_smtp({"host": "127.0.0.1", "port": smtp.port, "security": "none", "sender": "ah@home.lan"})
    channels.create(alice.id, {"kind": "ntfy", "url": receiver.url, "topic": "anime"}, settings)
    channels.create(alice.id, {"kind": "webhook", "url": receiver2.url + "/hook"}, settings)
    channels.create(alice.id, {"kind": "telegram", "token": BOT_TOKEN, "chat_id": "42"}, settings)
    channels.create(alice.id, {"kind": "email", "address": "alice@home.lan"}, settings)
    subscriptions.follow(alice.id, cat.ongoing.id)
    with write_transaction():
        outbox.write([outbox.New(alice.id, "episodes", "k1", cat.ongoing.id, cat.ongoing_tr.id, 1, [5])], T0)

    assert Sender(settings, clock=lambda: T0).run()["sent"] == 4

    link = "http://anihome.lan" + unfollow_links.path_for(app.secret_key, alice.id, cat.ongoing.id)
    pushed = receiver.ok()
    ntfy = next(r for r in pushed if r["path"] == "/anime")
    assert ntfy["headers"]["Actions"] == f"view, Unfollow, {link}, clear=true"
    telegram = json.loads(next(r for r in pushed if r["path"].startswith("/tg/"))["body"])
    assert telegram["text"].endswith(f"Unfollow: {link}")
    assert json.loads(receiver2.ok()[0]["body"])["unfollow_url"] == link
    mail = message_from_bytes(smtp.messages[0].content, policy=policy.default)
    assert mail["List-Unsubscribe"].strip() == f"<{link}>"
    assert f"Unfollow: {link}" in mail.get_content()

    path = link.removeprefix("http://anihome.lan")
    page = client.get(path)  # not signed in: a mail app on a phone
    assert page.status_code == 200 and "data-unfollow-confirm" in page.get_data(as_text=True)
    assert subscriptions.get(alice.id, cat.ongoing.id) is not None  # opening it changed nothing
    assert client.post(path, data={}).status_code == 400  # a POST without the page's CSRF token
    assert subscriptions.get(alice.id, cat.ongoing.id) is not None
    done = client.post(path, data={"csrf_token": _csrf(page.get_data(as_text=True))})
    assert done.status_code == 200 and "data-unfollow-done" in done.get_data(as_text=True)
    assert subscriptions.get(alice.id, cat.ongoing.id) is None
    again = client.get(path)
    assert again.status_code == 200 and "data-unfollow-none" in again.get_data(as_text=True)


def test_a_forged_or_altered_link_is_a_404_and_unfollows_nothing(app, client, cat, members):
    alice, bob = members[0], members[1]
    subscriptions.follow(bob.id, cat.ongoing.id)
    good = unfollow_links.token_for(app.secret_key, alice.id, cat.ongoing.id)
    forged = unfollow_links.token_for("another-secret", bob.id, cat.ongoing.id)
    for token in (forged, good[:-2] + ("AA" if not good.endswith("AA") else "BB"), "x", "1"):
        assert client.get(f"/unfollow/{token}").status_code == 404
    assert Subscription.select().where(Subscription.user == bob.id).count() == 1


def test_the_page_speaks_russian_and_a_comment_reply_push_has_no_link(app, client, cat, members):
    alice = members[0]
    subscriptions.follow(alice.id, cat.ongoing.id)
    path = unfollow_links.path_for(app.secret_key, alice.id, cat.ongoing.id)
    html = client.get(path, headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Больше не уведомлять о" in html and "Отписаться" in html
    assert "comment_reply" not in unfollow_links.FOLLOW_KINDS

"""Comments in a real browser: post, reply, reveal a gated comment and an inline spoiler,
report, and moderate from the queue — keyboard where a member would use it."""
from __future__ import annotations

from datetime import datetime

import pytest

from anihome.models import Comment, User
from anihome.social import comments
from tests.library.conftest import build_catalog

NOW = datetime(2026, 11, 20, 12, 0)


def _user(name, role="member"):
    return User.create(username=name, username_key=name, password_hash="x-" + name, role=role, created_at=NOW)


@pytest.fixture
def household(app):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        owner = _user("owner", "owner")
        mod, alice, bob = _user("mod", "moderator"), _user("alice"), _user("bob")
        cat = build_catalog()
        top = comments.post(alice, cat.serial.id, "Who else loved the soundtrack? ||the last song||")
        gated = comments.post(alice, cat.serial.id, "She was the villain all along", season=1, episode=2)
    return {"owner": owner, "mod": mod, "alice": alice, "bob": bob, "release": cat.serial.id,
            "translation": cat.voice.id, "top": top.id, "gated": gated.id}


def _status(app, comment_id):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return Comment.get_by_id(comment_id).status


def test_post_reply_reveal_report_and_moderate(app, live_server, page, browser, browser_sign_in, household):
    h = household
    browser_sign_in(page, h["bob"])
    page.goto(f"{live_server}/releases/{h['release']}")

    # Post a comment with the keyboard.
    page.get_by_label("Your comment").first.fill("My first **comment**")
    page.get_by_label("Your comment").first.press("Tab")
    page.get_by_role("button", name="Send").first.click()
    page.wait_for_url("**#comment-*")
    mine = page.locator("article.comment", has_text="My first")
    assert mine.locator("strong", has_text="comment").count() == 1

    # Reply to Alice's comment: open "Reply" from the keyboard.
    alice_comment = page.locator(f"#comment-{h['top']}")
    alice_comment.locator("summary", has_text="Reply").focus()
    page.keyboard.press("Enter")
    alice_comment.get_by_label("Your reply").fill("Me! The ending theme.")
    alice_comment.get_by_role("button", name="Send").click()
    page.wait_for_url("**#comment-*")
    assert page.locator(f"#comment-{h['top']} .replies", has_text="The ending theme").count() == 1

    # The inline spoiler is blurred until pressed.
    spoiler = page.locator(f"#comment-{h['top']} .spoiler")
    assert "revealed" not in (spoiler.get_attribute("class") or "")
    spoiler.focus()
    page.keyboard.press("Enter")
    assert "revealed" in spoiler.get_attribute("class")

    # Under the player, episode 2's comment is gated until "show anyway".
    page.goto(f"{live_server}/watch/{h['release']}?translation={h['translation']}&season=1&episode=2")
    gated = page.locator(f"#comment-{h['gated']}")
    assert "villain" not in page.content()
    gated.get_by_role("link", name="Show anyway").click()
    gated.locator(".comment-text", has_text="villain all along").wait_for()

    # Report it.
    gated.locator("summary", has_text="Report").click()
    gated.get_by_label("What is wrong with it?").fill("spoiler in the wrong place")
    gated.get_by_role("button", name="Send report").click()
    page.get_by_text("A moderator will look at it").wait_for()

    # The moderator hides it from the queue.
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    mod_page = context.new_page()
    mod_page.set_default_timeout(10_000)
    try:
        browser_sign_in(mod_page, h["mod"])
        mod_page.goto(f"{live_server}/admin/moderation")
        item = mod_page.locator(f"#queue-comment-{h['gated']}")
        assert "spoiler in the wrong place" in item.inner_text()
        item.get_by_label("Reason").fill("spoils episode 2")
        item.get_by_role("button", name="Hide").click()
        mod_page.get_by_text("Nothing is reported").wait_for()
    finally:
        context.close()
    assert _status(app, h["gated"]) == "hidden"
    page.reload()
    assert page.locator(f"#comment-{h['gated']}").count() == 0

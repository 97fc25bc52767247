"""Scratch: screenshots of the notification pages (not committed)."""
import pytest

from anihome.db import write_transaction
from anihome.notify import household, outbox, subscriptions
from anihome.notify.channels import service as channels
from tests.library.conftest import build_catalog, make_translation

OUT = "/tmp/notify-shots"


@pytest.fixture
def cat(db, members):
    return build_catalog()


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("width", [390, 1280])
def test_shots(app, live_server, browser, browser_sign_in, cat, members, width, lang):
    from anihome.models import User
    alice = members[0]
    settings = app.config["ANIHOME_SETTINGS"]
    make_translation(cat.ongoing, "serial-9", "Fast Dub", "//kodik.test/serial/9/zzz/720p", last_season=1, last_episode=4)
    subscriptions.follow(alice.id, cat.serial.id)
    channels.create(alice.id, {"kind": "ntfy", "name": "Phone", "url": "https://ntfy.sh", "topic": "anime-home", "token": "tk_x"}, settings)
    channels.create(alice.id, {"kind": "webhook", "name": "Home Assistant", "url": "http://ha.lan:8123/api/webhook/x"}, settings)
    with write_transaction():
        outbox.write([outbox.New(alice.id, "episodes", "a", cat.ongoing.id, cat.ongoing_tr.id, 1, [7, 8]),
                      outbox.New(alice.id, "airing_finished", "b", cat.serial.id),
                      outbox.New(alice.id, "dub_stalled", "c", cat.ongoing.id, cat.ongoing_tr.id, 1,
                                 data={"other_id": 1, "other_dub": "Fast Dub", "other_episode": 4, "days": 9}),
                      outbox.New(alice.id, "digest", "d", data={"lines": [{"kind": "episodes", "title": "Ongoing Serial", "dub": "AniLibria", "episodes": [3, 4]}, {"kind": "started", "who": "bob", "title": "A Movie"}]})])
    User.update(locale=lang).execute()
    ctx = browser.new_context(locale="en-US", viewport={"width": width, "height": 900})
    page = ctx.new_page()
    browser_sign_in(page, alice)
    for name, path in (("list", "/notifications"), ("settings", "/account/notifications/"),
                       ("release", f"/releases/{cat.serial.id}"), ("release2", f"/releases/{cat.ongoing.id}")):
        page.goto(live_server + path)
        page.screenshot(path=f"{OUT}/{name}-{width}-{lang}.png", full_page=True)
    owner = User.get(User.username == "owner")
    ctx2 = browser.new_context(locale="en-US", viewport={"width": width, "height": 900})
    p2 = ctx2.new_page()
    browser_sign_in(p2, owner)
    p2.goto(live_server + "/admin/notifications/")
    p2.screenshot(path=f"{OUT}/admin-{width}-{lang}.png", full_page=True)
    ctx.close(); ctx2.close()

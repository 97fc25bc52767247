"""The bell in a real browser (chromium): the unread count on a phone and a laptop, the page it
opens, mark all read, and a notification that opens the episode's player page."""
import pytest

from anihome.db import write_transaction
from anihome.notify import outbox
from tests.library.conftest import build_catalog


@pytest.fixture
def cat(db, members):
    return build_catalog()


def _notes(user, cat, n):
    with write_transaction():
        outbox.write([outbox.New(user.id, "episodes", f"k{i}", cat.ongoing.id, cat.ongoing_tr.id, 1, [i + 1])
                      for i in range(n)])


@pytest.mark.parametrize("width", [390, 1280])
def test_the_bell_shows_the_unread_count_and_mark_all_read_clears_it(live_server, page, browser_sign_in, cat,
                                                                     members, width):
    alice = members[0]
    _notes(alice, cat, 3)
    page.set_viewport_size({"width": width, "height": 800})
    browser_sign_in(page, alice)
    page.goto(live_server + "/")
    bell = page.locator("[data-bell]")
    assert bell.is_visible()
    assert page.locator("[data-unread-count]").inner_text() == "3"
    assert bell.get_attribute("aria-label") == "Notifications, 3 unread"
    box = bell.bounding_box()
    assert box and box["x"] + box["width"] <= width  # on screen, not pushed off by the nav

    bell.click()
    page.wait_for_url("**/notifications")
    assert page.locator(".notify-item.unread").count() == 3
    page.locator("[data-read-all]").click()
    page.wait_for_load_state()
    assert page.locator(".notify-item.unread").count() == 0
    assert page.locator("[data-unread-count]").count() == 0


def test_a_notification_opens_the_episodes_player_page(live_server, page, browser_sign_in, cat, members):
    alice = members[0]
    _notes(alice, cat, 1)
    browser_sign_in(page, alice)
    page.goto(live_server + "/notifications")
    page.locator(".notify-title").first.click()
    page.wait_for_url(f"**/watch/{cat.ongoing.id}?translation={cat.ongoing_tr.id}&season=1&episode=1")
    assert page.locator("[data-unread-count]").count() == 0

"""Phone, TV and keyboard use in a real chromium: the one-row phone header and its menu,
tables as cards, the filters drawer with chips, numbered pages, TV mode's arrow keys, and a
keyboard-only path from home to a release, a list status and the player."""
from __future__ import annotations

import re

import pytest

from anihome.models import ListEntry
from tests.catalog.catalog_data import build_catalog
from tests.conftest import make_user


@pytest.fixture
def catalog(app):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return build_catalog()


@pytest.fixture
def household(app, catalog):
    return {"owner": make_user(app, "owner", "owner"), "member": make_user(app, "viewer", "member")}


def _as(page, browser_sign_in, user, width, height=844):
    page.set_viewport_size({"width": width, "height": height})
    browser_sign_in(page, user)
    return page


def test_the_phone_header_is_one_row_and_its_menu_opens_and_closes_from_the_keyboard(
        page, live_server, browser_sign_in, household):
    _as(page, browser_sign_in, household["owner"], 390)
    page.goto(live_server + "/")
    assert page.locator(".topbar").bounding_box()["height"] < 64
    browse = page.locator(".nav a", has_text="Browse")
    assert not browse.is_visible()
    toggle = page.get_by_role("button", name="Menu")
    toggle.focus()
    page.keyboard.press("Enter")
    assert browse.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not browse.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    page.set_viewport_size({"width": 1280, "height": 800})
    assert browse.is_visible() and not toggle.is_visible()  # desktop: the nav is simply there


def test_tables_turn_into_labelled_cards_under_600_px(page, live_server, browser_sign_in, household):
    _as(page, browser_sign_in, household["owner"], 390)
    page.goto(live_server + "/admin/members/")
    row = page.locator("table.table tbody tr").first
    assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
    assert row.locator("td").nth(1).get_attribute("data-label")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_browse_filters_are_a_closed_drawer_on_phones_with_a_chip_per_filter(
        page, live_server, browser_sign_in, household):
    _as(page, browser_sign_in, household["member"], 390)
    page.goto(live_server + "/browse?kind=tv&status=ongoing")
    drawer = page.locator("details[data-filters]")
    assert drawer.get_attribute("open") is None
    assert drawer.locator("summary").inner_text() == "Filters (2)"
    chips = page.locator(".chips .chip:not(.chip-clear)")
    assert [" ".join(text.split()) for text in chips.all_inner_texts()] == ["TV series ×", "Ongoing ×"]
    chips.first.click()
    page.wait_for_url(re.compile(r"/browse\?status=ongoing$"))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    assert page.locator("details[data-filters]").get_attribute("open") is not None  # beside the results


def test_pages_are_numbered_with_the_first_and_last_page(page, live_server, browser_sign_in, household):
    _as(page, browser_sign_in, household["member"], 360)
    page.goto(live_server + "/browse?per_page=1&page=5")
    pager = page.locator("nav.pager")
    assert pager.locator("[aria-current=page]").inner_text() == "5"
    numbers = pager.locator(".pager-pages li").all_inner_texts()
    assert numbers[0] == "1" and numbers[1] == "…" and numbers[2:7] == ["3", "4", "5", "6", "7"]
    assert pager.get_by_role("link", name="Last page").inner_text() == numbers[-1]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_tv_mode_moves_the_focus_along_a_shelf_and_down_to_the_next_with_arrow_keys(
        page, live_server, browser_sign_in, household):
    _as(page, browser_sign_in, household["member"], 1920, 1080)
    page.context.add_cookies([{"name": "tv", "value": "on", "url": live_server}])
    page.goto(live_server + "/")
    assert page.evaluate("document.documentElement.dataset.tv") == "on"
    shelves = page.locator(".shelf")
    first_row = shelves.nth(0).locator(".rcard-link")
    first_row.nth(0).focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.href") == first_row.nth(1).evaluate("a => a.href")
    page.keyboard.press("ArrowDown")
    in_second = shelves.nth(1).evaluate("s => s.contains(document.activeElement)")
    focused = page.evaluate("document.activeElement.outerHTML")
    assert in_second and page.evaluate("document.activeElement.classList.contains('rcard-link')"), focused
    ring = page.evaluate("parseFloat(getComputedStyle(document.activeElement.querySelector('.cover')).outlineWidth)")
    assert ring >= 4


def _tab_to(page, selector, limit=150):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return True
    return False


def test_keyboard_only_home_to_a_release_to_a_list_status_to_the_player(
        app, page, live_server, browser_sign_in, household):
    member = household["member"]
    _as(page, browser_sign_in, member, 1280, 800)
    page.goto(live_server + "/")
    assert _tab_to(page, ".rcard-link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/releases/\d+"))
    release_id = int(re.search(r"/releases/(\d+)", page.url).group(1))
    found = _tab_to(page, "select[name=status], #watch-button")
    assert found
    if page.evaluate("document.activeElement.id") == "watch-button":  # list controls live on the player page
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"/watch/{release_id}"))
        assert _tab_to(page, "select[name=status]")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") != ""
    assert _tab_to(page, "button[type=submit]", limit=3)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        entry = ListEntry.get_or_none(ListEntry.user == member.id, ListEntry.release == release_id)
    assert entry is not None and entry.status
    if "/watch/" not in page.url:
        assert _tab_to(page, "#watch-button")
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/watch/{release_id}"))

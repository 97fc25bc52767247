"""The catalog in a real browser: autocomplete with the keyboard, opening a release, switching
translation, applying filters, and covers that cannot load."""
from __future__ import annotations

import re

import pytest

from anihome.models import Release
from tests.catalog.catalog_data import build_catalog
from tests.conftest import make_user
from tests.support.web import wait_for_js


@pytest.fixture
def catalog(app):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return build_catalog()


@pytest.fixture
def member_page(app, catalog, page, browser_sign_in):
    make_user(app, "owner", "owner")
    browser_sign_in(page, make_user(app, "viewer", "member"))
    return page


def test_autocomplete_is_driven_by_the_keyboard(member_page, live_server, catalog):
    page = member_page
    page.goto(live_server + "/browse")
    box = page.get_by_role("combobox", name="Search titles")
    box.click()
    box.press_sequentially("АТАКА", delay=30)
    options = page.get_by_role("listbox", name="Suggestions").get_by_role("option")
    options.first.wait_for()
    assert options.count() == 3
    assert box.get_attribute("aria-expanded") == "true"
    assert options.nth(0).inner_text().startswith("Атака титанов: Финал")  # most popular prefix match
    box.press("ArrowDown")
    box.press("ArrowDown")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    box.press("ArrowUp")
    box.press("ArrowUp")  # wraps around to the last suggestion
    assert options.nth(2).get_attribute("aria-selected") == "true"
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.press("ArrowDown")  # opens again
    options.first.wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(re.compile(rf"/releases/{catalog.aot_final}$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Атака титанов: Финал"


def test_enter_without_a_suggestion_opens_the_results_page(member_page, live_server, catalog):
    page = member_page
    page.goto(live_server + "/")
    box = page.get_by_role("combobox", name="Search titles")
    box.fill("death note")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=death\+note"))
    assert page.locator(".rgrid .rcard-title").all_inner_texts() == ["Тетрадь смерти"]


def test_open_a_release_and_switch_translation(member_page, live_server, catalog):
    page = member_page
    page.goto(live_server + "/browse")
    page.get_by_role("link", name="Атака титанов 2013 · TV series").click()
    page.wait_for_url(re.compile(rf"/releases/{catalog.aot}$"))
    assert page.locator(".episodes a").count() == 25
    assert page.locator(".tr-choice[aria-current=true]").inner_text().startswith("AniLibria")
    page.locator(".tr-choice", has_text="Субтитры").click()
    page.wait_for_url(re.compile(r"translation=\d+"))
    assert page.locator(".tr-choice[aria-current=true]").inner_text().startswith("Субтитры")
    assert page.locator(".episodes a").count() == 3
    subs = catalog.translations["aot"][1].id
    assert f"translation={subs}" in page.locator("#watch-button").get_attribute("href")


def test_apply_filters_and_share_the_url(member_page, live_server, catalog):
    page = member_page
    page.goto(live_server + "/browse")
    page.get_by_label("Movie").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"kind=movie"))
    assert page.locator(".rgrid .rcard-title").all_inner_texts() == ["Звёздный странник"]
    page.get_by_label("Minimum rating").fill("9.5")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"min_rating=9.5"))
    assert page.get_by_text("Nothing matches these filters").is_visible()
    shared = page.url
    page.goto(live_server + "/")
    page.goto(shared)
    assert page.get_by_role("checkbox", name="Movie").is_checked()
    assert page.get_by_role("link", name="Remove filter: Movie").is_visible()  # its chip


def test_covers_show_artwork_from_this_box_when_poster_hosts_are_unreachable(app, member_page, live_server, catalog):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        Release.update(poster_url="http://127.0.0.1:9/poster.jpg").execute()
    page = member_page
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(live_server + "/browse")
    wait_for_js(page, "[...document.querySelectorAll('.cover img')].every(i => i.complete && i.naturalWidth > 0)")
    box = page.locator(".cover").first.bounding_box()
    assert box["height"] == pytest.approx(box["width"] * 1.5, rel=0.02)
    assert hosts == {live_server.split("/")[2]}

"""Acting where you look, in a real browser: the release page's list, score, favorite,
collection and "watched up to" controls, and the quick favorite / plan buttons on cards."""
from __future__ import annotations

import pytest

from anihome.library import collections
from anihome.models import Favorite, ListEntry, WatchProgress
from tests.catalog.catalog_data import build_catalog
from tests.conftest import make_user
from tests.support.web import wait_for_js


@pytest.fixture
def catalog(app):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return build_catalog()


@pytest.fixture
def viewer(app, catalog):
    make_user(app, "owner", "owner")
    user = make_user(app, "viewer", "member")
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        collections.create(user.id, "Weekend", "", "private")
    return user


def _rows(app, model, user):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return list(model.select().where(model.user == user.id))


def test_a_member_plans_scores_favorites_collects_and_marks_episodes_from_the_release_page(
        app, live_server, page, browser_sign_in, catalog, viewer):
    browser_sign_in(page, viewer)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/releases/{catalog.aot}")
    actions = page.locator(f"[data-release-actions='{catalog.aot}']")
    actions.get_by_label("List").select_option("planned")
    actions.get_by_label("Score").select_option("8")
    actions.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    entry = _rows(app, ListEntry, viewer)[0]
    assert (entry.status, entry.score) == ("planned", 8)

    actions.get_by_role("button", name="Add to favorites").click()
    page.get_by_text("Added to favorites.").wait_for()
    assert actions.get_by_role("button", name="Favorite").get_attribute("aria-pressed") == "true"

    actions.get_by_role("button", name="Add to collection").click()
    page.get_by_role("link", name="Weekend").wait_for()

    page.get_by_label("I have watched up to").select_option("1-3")
    page.get_by_role("button", name="Mark watched").click()
    page.get_by_text("Marked 3 episodes as watched.").wait_for()
    assert page.locator("#episodes a.ep-watched").count() == 3
    assert page.locator("#continue-button").inner_text().endswith("Episode 4")
    assert len([p for p in _rows(app, WatchProgress, viewer) if p.watched]) == 3
    assert _rows(app, ListEntry, viewer)[0].status == "watching"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_quick_buttons_on_cards_favorite_and_plan_without_leaving_the_page(
        app, live_server, page, browser_sign_in, catalog, viewer):
    browser_sign_in(page, viewer)
    page.goto(f"{live_server}/browse")
    card = page.locator(f".rcard[data-release-id='{catalog.opm}']")
    star = card.locator("button[data-quick='fav']")
    plan = card.locator("button[data-quick='plan']")
    assert star.get_attribute("aria-pressed") == "false"
    assert star.get_attribute("aria-label") == "Add to favorites: Ванпанчмен"
    url = page.url
    star.click()
    wait_for_js(page,
        f"document.querySelector(\".rcard[data-release-id='{catalog.opm}'] button[data-quick='fav']\")"
        ".getAttribute('aria-pressed') === 'true'")
    plan.click()
    wait_for_js(page,
        f"document.querySelector(\".rcard[data-release-id='{catalog.opm}'] button[data-quick='plan']\")"
        ".dataset.status === 'planned'")
    assert page.url == url
    assert [f.release_id for f in _rows(app, Favorite, viewer)] == [catalog.opm]
    assert [(e.release_id, e.status) for e in _rows(app, ListEntry, viewer)] == [(catalog.opm, "planned")]

    page.reload()  # the marks come back from the server, on every card of that release
    card = page.locator(f".rcard[data-release-id='{catalog.opm}']").first
    assert card.locator("button[data-quick='fav']").get_attribute("aria-pressed") == "true"
    assert card.locator("button[data-quick='plan']").get_attribute("title") == "Take off Plan to watch"
    card.locator("button[data-quick='plan']").click()
    wait_for_js(page,
        f"document.querySelector(\".rcard[data-release-id='{catalog.opm}'] button[data-quick='plan']\")"
        ".dataset.status === ''")
    assert _rows(app, ListEntry, viewer) == []

"""What a person on a 390 px phone sees: titles beside buttons are not squeezed under them,
tap targets are big enough, and small actions sit where a thumb can hit them."""
from __future__ import annotations

import pytest

from anihome.library import favorites
from tests.catalog.catalog_data import build_catalog
from tests.conftest import make_user


def _overlap(a, b) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.fixture
def viewer(app):
    make_user(app, "owner", "owner")
    user = make_user(app, "viewer", "member")
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        ns = build_catalog()
        for name in ("aot_final", "death_note"):
            favorites.add(user.id, getattr(ns, name))
    return user


def test_a_library_rows_title_is_never_squeezed_under_its_buttons_on_a_phone(
        page, live_server, browser_sign_in, viewer):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, viewer)
    page.goto(live_server + "/favorites")
    for row in page.locator(".release-row").all():
        column = row.locator(".grow").bounding_box()
        assert column["width"] >= 170  # the title keeps a readable column
        for button in row.locator("a.button, button").all():
            assert not _overlap(column, button.bounding_box())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.fixture
def notified(app, viewer):
    from anihome.db import write_transaction
    from anihome.models import Release
    from anihome.notify import outbox

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        release = Release.select().first()
        with write_transaction():
            outbox.write([outbox.New(viewer.id, "airing_finished", f"air:{release.id}", release.id)])
    return viewer


def test_text_only_actions_get_a_thumb_sized_tap_area_on_a_phone(page, live_server, browser_sign_in, notified):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, notified)
    page.goto(live_server + "/notifications")
    buttons = page.locator(".notify-actions button")
    assert buttons.count() >= 2  # mark read and delete (✕)
    for button in buttons.all():
        box = button.bounding_box()
        assert box["height"] >= 40 and box["width"] >= 40, button.inner_text()
    bell = page.locator(".topbar .bell").bounding_box()
    assert bell["height"] >= 40 and bell["width"] >= 40
    assert page.locator(".topbar").bounding_box()["height"] < 64  # the header stays one row


def test_the_bell_stays_beside_the_brand_when_an_owners_long_menu_wraps(page, live_server, browser_sign_in, app):
    owner = make_user(app, "owner", "owner")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.context.add_cookies([{"name": "lang", "value": "ru", "url": live_server}])
    browser_sign_in(page, owner)
    page.goto(live_server + "/")
    bell = page.locator(".topbar .bell").bounding_box()
    brand = page.locator(".topbar .brand").bounding_box()
    assert abs((bell["y"] + bell["height"] / 2) - (brand["y"] + brand["height"] / 2)) < 12  # same row
    assert bell["x"] < brand["x"] + brand["width"] + 60  # right after it


def test_a_list_rows_number_fields_are_named_on_a_phone(page, live_server, browser_sign_in, app, viewer):
    from anihome.library import lists
    from anihome.models import Release

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        lists.set_entry(viewer.id, Release.select().first().id, {"status": "watching"})
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, viewer)
    page.goto(live_server + "/lists")
    row = page.locator("tbody tr").first
    for name, field in (("Episodes", "episodes_watched"), ("Rewatches", "rewatch_count")):
        label = row.locator("label.field-inline", has=page.locator(f"input[name={field}]"))
        shown = label.locator(".field-inline-name")
        assert shown.inner_text() == name and shown.bounding_box()["width"] > 20
    page.set_viewport_size({"width": 1280, "height": 800})  # the table header names them there
    assert row.locator(".field-inline-name").first.bounding_box()["width"] <= 1


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_search_boxs_placeholder_fits_a_phone(page, live_server, browser_sign_in, viewer, lang):
    page.set_viewport_size({"width": 360, "height": 800})
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    browser_sign_in(page, viewer)
    page.goto(live_server + "/browse")
    box = page.locator(".search-box input[type=search]").first
    fits = box.evaluate("""input => {
        const style = getComputedStyle(input), ctx = document.createElement('canvas').getContext('2d');
        ctx.font = `${style.fontSize} ${style.fontFamily}`;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return ctx.measureText(input.placeholder).width <= room; }""")
    assert fits, box.get_attribute("placeholder")


def test_a_started_release_has_one_filled_button_continue(page, live_server, browser_sign_in, app, viewer):
    from anihome.library import episodes, progress
    from anihome.models import Translation

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        dub = Translation.select().where(Translation.episodes_count > 1).first()
        progress.save(viewer.id, episodes.ref_for(dub, 1, 1), 300, 1400)
        release_id = dub.release_id
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, viewer)
    page.goto(f"{live_server}/releases/{release_id}")
    fill = "el => getComputedStyle(el).backgroundColor"
    continue_fill = page.locator("#continue-button").evaluate(fill)
    assert page.locator("#watch-button").evaluate(fill) != continue_fill
    page.goto(f"{live_server}/releases/{release_id + 1}")  # not started: Watch is the filled one
    assert page.locator("#watch-button").evaluate(fill) == continue_fill


def test_the_filter_checkboxes_are_thumb_sized_on_a_phone(page, live_server, browser_sign_in, viewer):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, viewer)
    page.goto(live_server + "/browse")
    page.locator("details[data-filters] summary").click()
    boxes = [label.bounding_box() for label in page.locator(".filters label.check").all()]
    assert boxes and all(box["height"] >= 40 for box in boxes)


def test_a_cards_quick_buttons_are_thumb_sized_and_apart_on_a_phone(page, live_server, browser_sign_in, viewer):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, viewer)
    page.goto(live_server + "/browse")
    plan, favorite = (button.bounding_box() for button in page.locator(".rcard-quick").first.locator("button").all())
    assert min(plan["width"], plan["height"], favorite["width"], favorite["height"]) >= 40
    assert favorite["x"] - (plan["x"] + plan["width"]) >= 8


def test_the_players_dub_picker_says_what_it_picks_on_a_phone(page, live_server, browser_sign_in, app, viewer):
    from anihome.models import Translation

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        release_id = Translation.select().where(Translation.episodes_count > 1).first().release_id
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, viewer)
    page.goto(f"{live_server}/watch/{release_id}")
    label = page.locator(".dub-form label[for=dub]")
    assert label.inner_text() == "Translation" and label.bounding_box()["width"] > 20
    select = page.locator("#dub").bounding_box()
    assert select["width"] >= 150  # fills the row beside its label
    page.set_viewport_size({"width": 1280, "height": 800})  # wide screens keep the compact, right-aligned picker
    assert label.bounding_box()["width"] <= 1


def test_a_collections_move_and_remove_buttons_stay_together_on_a_phone(page, live_server, browser_sign_in, app, viewer):
    from anihome.library import collections
    from anihome.models import Release

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        mine = collections.create(viewer.id, "Вечер пятницы")
        for release in Release.select().limit(3):
            collections.add_item(viewer.id, mine.id, release.id)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, viewer)
    page.goto(f"{live_server}/collections/{mine.id}")
    middle = page.locator(".release-row").nth(1)
    tops = {round(button.bounding_box()["y"]) for button in middle.locator("button").all()}
    assert len(middle.locator("button").all()) == 3 and max(tops) - min(tops) <= 4  # one row: ↑ ↓ ✕

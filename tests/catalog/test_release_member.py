"""The release page's member parts: list status, score, favorite, collections, "continue" and
the episode marks are the member's own, rendered per request around the shared cached part."""
import re

from anihome.library import collections, episodes, favorites, lists, progress
from anihome.models import Translation
from tests.catalog.conftest import signed_in
from tests.conftest import make_user


def html(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _db(app):
    return app.app_context(), app.extensions["anihome.db"].connection_context()


def test_each_member_sees_their_own_list_score_and_favorite_on_a_shared_cached_page(app, users, catalog):
    alice = make_user(app, "alice", "member")
    ctx, conn = _db(app)
    with ctx, conn:
        lists.set_entry(alice.id, catalog.aot, {"status": "watching", "score": 9})
        favorites.add(alice.id, catalog.aot)
        collections.create(alice.id, "Weekend", "", "private")
    as_alice = signed_in(app, alice)
    as_owner = signed_in(app, users["owner"])
    first = html(as_alice.get(f"/releases/{catalog.aot}"))
    assert re.search(r'<option value="watching" selected>', first)
    assert re.search(r'<option value="9" selected>', first)
    assert 'aria-pressed="true"' in first and "Add to collection" in first and "Weekend" in first
    other = html(as_owner.get(f"/releases/{catalog.aot}"))  # same cap: the cached part is shared
    assert "Not on a list" in other and "selected>★" not in other
    assert "Weekend" not in other and 'aria-pressed="false"' in other
    again = html(as_alice.get(f"/releases/{catalog.aot}"))
    # one pressed favourite button (the follow button is pressed too: "watching" follows the release)
    assert len(re.findall(r'aria-pressed="true">★', again)) == 1 and "data-unfollow" in again


def test_the_episode_grid_marks_watched_and_started_episodes_for_that_member_only(app, users, catalog):
    alice = make_user(app, "alice", "member")
    tr_id = catalog.translations["aot"][0].id
    ctx, conn = _db(app)
    with ctx, conn:
        tr = Translation.get_by_id(tr_id)
        progress.save(alice.id, episodes.ref_for(tr, 1, 1), 1400, 1440, watched=True)
        progress.save(alice.id, episodes.ref_for(tr, 1, 2), 720, 1440)
    owner_page = html(signed_in(app, users["owner"]).get(f"/releases/{catalog.aot}"))
    page = html(signed_in(app, alice).get(f"/releases/{catalog.aot}"))
    assert page.count("ep-watched") == 1 and page.count("ep-started") == 1 and "50% watched" in page
    assert 'id="continue-button"' in page and "Continue: Episode 2" in page
    assert "ep-watched" not in owner_page and "ep-started" not in owner_page
    assert 'id="continue-button"' not in owner_page
    assert "ep-watched" not in html(signed_in(app, users["owner"]).get(f"/releases/{catalog.aot}"))


def test_the_release_page_opens_in_the_members_chosen_dub(app, users, catalog):
    alice = make_user(app, "alice", "member")
    subs = catalog.translations["aot"][1]
    ctx, conn = _db(app)
    with ctx, conn:
        progress.choose_translation(alice.id, catalog.aot, subs.id)
    page = html(signed_in(app, alice).get(f"/releases/{catalog.aot}"))
    assert re.search(rf'data-translation-id="{subs.id}"\s*>|aria-current="true" data-translation-id="{subs.id}"', page)
    owner_page = html(signed_in(app, users["owner"]).get(f"/releases/{catalog.aot}"))
    assert f'aria-current="true" data-translation-id="{subs.id}"' not in owner_page


def test_a_kid_gets_404_for_a_release_above_the_cap_and_no_controls_leak(as_kid, catalog):
    assert as_kid.get(f"/releases/{catalog.dreams}").status_code == 404
    page = html(as_kid.get(f"/releases/{catalog.star}"))
    assert "Not on a list" in page and "<!--member:" not in page


def test_cards_carry_their_release_id_and_the_page_carries_the_members_marks(app, users, catalog):
    alice = make_user(app, "alice", "member")
    ctx, conn = _db(app)
    with ctx, conn:
        favorites.add(alice.id, catalog.opm)
        lists.set_entry(alice.id, catalog.aot, {"status": "planned"})
    page = html(signed_in(app, alice).get("/browse"))
    assert f'data-release-id="{catalog.opm}"' in page
    marks = re.search(r'<script type="application/json" id="member-marks">(.*?)</script>', page).group(1)
    assert f"[{catalog.opm}]" in marks and f'"{catalog.aot}": "planned"' in marks
    with ctx, conn:  # the marks are cached per member and dropped when the member changes data
        favorites.remove(alice.id, catalog.opm)
    page = html(signed_in(app, alice).get("/browse"))
    assert '"favorites": []' in page

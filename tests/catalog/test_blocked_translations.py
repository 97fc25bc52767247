"""Honest playback: a translation whose latest season the rights holder blocked is never the
default (release page, player, continue watching) while another one plays; blocked seasons
are labelled on the release page."""
from anihome.catalog.releases import release_page
from anihome.library import continue_watching
from anihome.models import Translation
from tests.catalog.conftest import signed_in


def _block(translation_id, value='{"1": "all"}'):
    Translation.update(blocked_seasons=value).where(Translation.id == translation_id).execute()


def test_the_default_translation_skips_one_whose_season_is_blocked(db, catalog):
    dub, subs = catalog.translations["aot"]
    assert release_page(catalog.aot, None)["translation"]["id"] == dub.id
    _block(dub.id)
    page = release_page(catalog.aot, None)
    assert page["translation"]["id"] == subs.id
    assert [t["id"] for t in page["translations"]] == [subs.id, dub.id]  # blocked ones last
    assert continue_watching.default_translation(catalog.aot).id == subs.id


def test_a_wholly_blocked_translation_is_not_the_default_either(db, catalog):
    dub, subs = catalog.translations["aot"]
    _block(dub.id, '"all"')
    assert continue_watching.default_translation(catalog.aot).id == subs.id


def test_single_blocked_episodes_do_not_demote_a_translation(db, catalog):
    dub, _ = catalog.translations["aot"]
    _block(dub.id, '{"1": ["3", "4"]}')
    assert continue_watching.default_translation(catalog.aot).id == dub.id
    assert Translation.get_by_id(dub.id).is_blocked(1, 3)
    assert not Translation.get_by_id(dub.id).is_blocked(1, 5)


def test_the_release_page_labels_blocked_seasons_and_episodes(app, users, catalog):
    dub, _ = catalog.translations["aot"]
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        _block(dub.id, '{"1": ["3", "4"]}')
    page = signed_in(app, users["owner"]).get(f"/releases/{catalog.aot}?translation={dub.id}")
    html = page.get_data(as_text=True)
    assert "2 episodes blocked by the rights holder" in html and html.count("ep-blocked") == 2
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        _block(dub.id)
    app.extensions["anihome.cache"].clear()
    html = signed_in(app, users["owner"]).get(f"/releases/{catalog.aot}?translation={dub.id}").get_data(as_text=True)
    assert "Blocked by the rights holder: choose another translation" in html

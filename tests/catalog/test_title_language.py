"""Title language: a member reads Russian, romaji or English titles first on cards and pages
(each member their own, through shared cached fragments); genre names in English in the
English interface."""
import re

from anihome.accounts.users import set_title_language
from anihome.catalog.titles import other_titles, title_in
from anihome.i18n.genres import genre_name
from tests.catalog.conftest import signed_in
from tests.conftest import csrf_token, make_user


def html(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_titles_fall_back_to_the_next_one_that_exists():
    item = {"title": "Атака титанов", "title_orig": "Shingeki no Kyojin", "title_en": "Attack on Titan"}
    assert [title_in(item, m) for m in ("ru", "romaji", "en")] == [
        "Атака титанов", "Shingeki no Kyojin", "Attack on Titan"]
    assert title_in({"title": "Т", "title_orig": "T", "title_en": ""}, "en") == "T"
    assert title_in({"title": "Т", "title_orig": "", "title_en": ""}, "romaji") == "Т"
    assert other_titles(item, "en") == ["Атака титанов", "Shingeki no Kyojin"]


def test_each_member_sees_cards_and_release_pages_in_their_title_language(app, users, catalog):
    alice = make_user(app, "alice", "member")
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        set_title_language(alice.id, "en")
    as_alice, as_owner = signed_in(app, alice), signed_in(app, users["owner"])
    alice_browse, owner_browse = html(as_alice.get("/browse")), html(as_owner.get("/browse"))
    assert '<span class="rcard-title">Attack on Titan</span>' in alice_browse
    assert '<span class="rcard-title">Атака титанов</span>' in owner_browse
    page = html(as_alice.get(f"/releases/{catalog.aot}"))
    assert '<h1 class="release-title">Attack on Titan</h1>' in page and "Атака титанов" in page
    assert '<h1 class="release-title">Атака титанов</h1>' in html(as_owner.get(f"/releases/{catalog.aot}"))


def test_the_account_page_sets_the_title_language_and_refuses_other_values(app, users, catalog):
    alice = make_user(app, "alice", "member")
    client = signed_in(app, alice)
    token = csrf_token(client, "/account/")
    response = client.post("/account/title-language", data={"csrf_token": token, "title_language": "romaji"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/#titles")
    assert re.search(r'value="romaji" class=""\s+aria-pressed="true"', html(client.get("/account/")))
    assert '<span class="rcard-title">Shingeki no Kyojin</span>' in html(client.get("/browse"))
    bad = client.post("/account/title-language", data={"csrf_token": token, "title_language": "klingon"},
                      follow_redirects=True)
    assert "Choose Russian, romaji or English titles." in html(bad)


def test_genre_names_are_english_in_the_english_interface_only(app, users, catalog):
    assert genre_name("Экшен", "en") == "Action" and genre_name("Сёнен", "en") == "Shounen"
    assert genre_name("Экшен", "ru") == "Экшен" and genre_name("Неведомое", "en") == "Неведомое"
    client = signed_in(app, users["owner"])
    page = html(client.get(f"/releases/{catalog.aot}"))
    assert ">Action</a>" in page and ">Drama</a>" in page and "Экшен" not in page
    assert re.search(r'<option value="action"\s*>Action \(\d+\)</option>', html(client.get("/browse")))
    client.set_cookie("lang", "ru")
    assert ">Экшен</a>" in html(client.get(f"/releases/{catalog.aot}"))

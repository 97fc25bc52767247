"""Title language beyond pages: API answers (display_title for the token's member),
autocomplete, and the letter tiles served for posters."""
from anihome.accounts import tokens
from anihome.accounts.users import set_title_language
from anihome.catalog.titles import with_display_titles
from tests.catalog.conftest import signed_in
from tests.conftest import make_user


def _member(app, name, mode):
    user = make_user(app, name, "member")
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        if mode:
            set_title_language(user.id, mode)
        token = tokens.create(user, "test")[0]
    return user, {"Authorization": f"Bearer {token}"}


def test_display_titles_are_added_to_release_shaped_parts_without_touching_the_original():
    data = {"items": [{"id": 1, "title": "Т", "title_orig": "T", "title_en": "E"}],
            "translation": {"id": 2, "title": "AniLibria"}}
    out = with_display_titles(data, "en")
    assert out["items"][0]["display_title"] == "E"
    assert "display_title" not in out["translation"]
    assert "display_title" not in data["items"][0]


def test_api_answers_carry_each_token_members_title_language(app, catalog):
    _, english = _member(app, "alice", "en")
    _, romaji = _member(app, "bob", "romaji")
    _, russian = _member(app, "carol", None)
    client = app.test_client()
    for headers, expected in ((english, "Attack on Titan"), (romaji, "Shingeki no Kyojin"),
                              (russian, "Атака титанов"), (english, "Attack on Titan")):
        page = client.get("/api/v1/releases?sort=popularity&per_page=50", headers=headers).get_json()
        card = next(item for item in page["items"] if item["id"] == catalog.aot)
        assert card["display_title"] == expected and card["title"] == "Атака титанов"
        detail = client.get(f"/api/v1/releases/{catalog.aot}", headers=headers).get_json()
        assert detail["display_title"] == expected
        found = client.get("/api/v1/search?q=титан", headers=headers).get_json()["items"]
        assert {item["display_title"] for item in found if item["id"] == catalog.aot} == {expected}


def test_autocomplete_suggests_in_the_members_title_language(app, catalog):
    _, english = _member(app, "alice", "en")
    _, russian = _member(app, "carol", None)
    client = app.test_client()
    suggestions = client.get("/api/v1/autocomplete?q=атака", headers=english).get_json()["items"]
    assert "Attack on Titan" in [s["display_title"] for s in suggestions]
    suggestions = client.get("/api/v1/autocomplete?q=атака", headers=russian).get_json()["items"]
    assert "Attack on Titan" not in [s["display_title"] for s in suggestions]
    assert "Атака титанов" in [s["display_title"] for s in suggestions]


def test_poster_tiles_carry_the_title_in_the_members_language(app, users, catalog):
    alice, _ = _member(app, "alice", "romaji")
    carol, _ = _member(app, "carol", None)
    as_alice, as_carol = signed_in(app, alice), signed_in(app, carol)
    tile = as_alice.get(f"/posters/{catalog.aot}?t=romaji").get_data(as_text=True)
    assert ">S</text>" in tile and "Shingeki" in tile and "Атака" not in tile
    tile = as_carol.get(f"/posters/{catalog.aot}").get_data(as_text=True)
    assert "Атака" in tile and "Shingeki" not in tile


def test_card_poster_urls_name_the_title_language_so_browser_caches_keep_them_apart(app, users, catalog):
    alice, _ = _member(app, "alice", "en")
    carol, _ = _member(app, "carol", None)
    assert f"/posters/{catalog.aot}?t=en" in signed_in(app, alice).get("/browse").get_data(as_text=True)
    page = signed_in(app, carol).get("/browse").get_data(as_text=True)
    assert f'/posters/{catalog.aot}"' in page and "?t=" not in page

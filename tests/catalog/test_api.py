"""The catalog over /api/v1: shapes, filters, errors naming the field, the age cap, tokens."""
import pytest

from anihome import events
from anihome.accounts import tokens
from anihome.models import Release


@pytest.fixture
def bearer(app, users):
    """Authorization headers for each member's API token."""
    database = app.extensions["anihome.db"]
    with app.app_context(), database.connection_context():
        return {name: {"Authorization": f"Bearer {tokens.create(user, 'test')[0]}"}
                for name, user in users.items()}


def get(client, path, headers):
    response = client.get(path, headers=headers)
    return response.status_code, response.get_json()


def test_releases_list_in_the_pagination_shape(client, bearer, catalog):
    status, body = get(client, "/api/v1/releases?per_page=2&sort=rating", bearer["owner"])
    assert status == 200
    assert set(body) == {"items", "page", "per_page", "total", "pages"}
    assert (body["total"], body["pages"]) == (9, 5)
    assert [(i["id"], i["title"]) for i in body["items"]][0] == (catalog.death_note, "Тетрадь смерти")


def test_releases_accept_the_browse_filters(client, bearer, catalog):
    _, body = get(client, "/api/v1/releases?genre=action&status=ongoing", bearer["owner"])
    assert [i["id"] for i in body["items"]] == [catalog.opm]
    _, body = get(client, "/api/v1/releases?team=735&team=869&translation_type=voice", bearer["owner"])
    # each filter holds on its own: a team among these, and some voice-over (aot has both)
    assert {i["id"] for i in body["items"]} == {catalog.aot, catalog.death_note, catalog.unknown}


@pytest.mark.parametrize("path, field", [
    ("/api/v1/releases?kind=cartoon", "kind"), ("/api/v1/releases?page=0", "page"),
    ("/api/v1/releases?per_page=101", "per_page"), ("/api/v1/releases?year_to=99999", "year_to"),
    ("/api/v1/search", "q"), ("/api/v1/search?q=" + "a" * 101, "q"), ("/api/v1/autocomplete?q=%20", "q"),
    ("/api/v1/releases/1/episodes?translation=abc", "translation"),
])
def test_invalid_parameters_answer_400_naming_the_field(client, bearer, catalog, path, field):
    status, body = get(client, path, bearer["owner"])
    assert status == 400 and body["error"]["field"] == field


def test_release_detail_lists_translations_and_franchise(client, bearer, catalog):
    status, body = get(client, f"/api/v1/releases/{catalog.aot2}", bearer["owner"])
    assert status == 200 and body["id"] == catalog.aot2 and body["title"] == "Атака титанов 2"
    assert [t["title"] for t in body["translations"]] == ["AniLibria"]
    assert [r["id"] for r in body["franchise_releases"]] == [catalog.aot, catalog.aot_final]
    assert "seasons" not in body


def test_episodes_of_a_translation_each_carry_an_id(client, bearer, catalog):
    subs = catalog.translations["aot"][1].id
    status, body = get(client, f"/api/v1/releases/{catalog.aot}/episodes?translation={subs}", bearer["owner"])
    assert status == 200 and body["translation"]["id"] == subs
    assert [(e["season"], e["number"]) for e in body["items"]] == [(1, 1), (1, 2), (1, 3)]
    assert all(isinstance(e["id"], int) for e in body["items"])
    other = catalog.translations["opm"][0].id
    status, body = get(client, f"/api/v1/releases/{catalog.aot}/episodes?translation={other}", bearer["owner"])
    assert status == 404 and body["error"]["field"] == "translation"


def test_search_and_autocomplete(client, bearer, catalog):
    _, body = get(client, "/api/v1/search?q=АТАКА%20ТИТАНОВ", bearer["owner"])
    assert [i["id"] for i in body["items"]] == [catalog.aot, catalog.aot_final, catalog.aot2]
    _, body = get(client, "/api/v1/autocomplete?q=de", bearer["owner"])
    assert [i["id"] for i in body["items"]] == [catalog.death_note]
    assert set(body["items"][0]) >= {"id", "title"}


def test_genres_studios_and_translations(client, bearer, catalog):
    _, genres = get(client, "/api/v1/genres", bearer["owner"])
    _, studios = get(client, "/api/v1/studios", bearer["owner"])
    _, teams = get(client, "/api/v1/translations", bearer["owner"])
    assert {g["slug"] for g in genres["items"]} == {"action", "drama", "adventure", "thriller", "comedy"}
    assert all({"id", "title"} <= set(s) for s in studios["items"])
    assert {t["id"]: t["type"] for t in teams["items"]} == {609: "voice", 610: "voice", 735: "voice",
                                                           869: "subtitles"}


def test_calendar_lists_upcoming_episodes_with_ids_and_titles(client, bearer, catalog):
    _, body = get(client, "/api/v1/calendar", bearer["owner"])
    assert body["timezone"] == "UTC"
    assert [(i["id"], i["episode"]) for i in body["items"]] == [(catalog.opm, 5), (catalog.dreams, 3)]


def test_age_cap_applies_to_every_catalog_route(client, bearer, catalog):
    kid = bearer["kid"]
    _, body = get(client, "/api/v1/releases?per_page=100", kid)
    assert {i["id"] for i in body["items"]} == {catalog.star, catalog.html}
    assert get(client, f"/api/v1/releases/{catalog.aot}", kid)[0] == 404
    assert get(client, f"/api/v1/releases/{catalog.aot}/episodes", kid)[0] == 404
    assert get(client, "/api/v1/search?q=атака", kid)[1]["items"] == []
    assert get(client, "/api/v1/autocomplete?q=а", kid)[1]["items"] == []
    assert get(client, "/api/v1/calendar", kid)[1]["items"] == []
    assert get(client, f"/api/v1/releases/{catalog.unknown}", bearer["teen"])[0] == 404


def test_catalog_routes_need_a_token(client, users, catalog):
    for path in ("/api/v1/releases", "/api/v1/search?q=x", "/api/v1/genres", "/api/v1/calendar"):
        assert client.get(path).status_code == 401


def test_cached_answers_are_dropped_when_the_catalog_changes(app, client, bearer, catalog):
    path = f"/api/v1/releases/{catalog.star}"
    assert get(client, path, bearer["owner"])[1]["title"] == "Звёздный странник"
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        Release.update(title="Звёздный путник").where(Release.id == catalog.star).execute()
    assert get(client, path, bearer["owner"])[1]["title"] == "Звёздный странник"
    events.catalog_changed.send("sync", release_ids=[catalog.star])
    assert get(client, path, bearer["owner"])[1]["title"] == "Звёздный путник"


def test_catalog_routes_are_in_the_openapi_document(client, bearer):
    _, doc = get(client, "/api/v1/openapi.json", bearer["owner"])
    for path in ("/releases", "/releases/{release_id}", "/releases/{release_id}/episodes", "/search",
                 "/autocomplete", "/genres", "/studios", "/translations", "/calendar"):
        assert "get" in doc["paths"]["/api/v1" + path], path


def test_calendar_mine_keeps_followed_releases(app, client, users, bearer, catalog):
    from anihome.models import ListEntry

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        ListEntry.create(user=users["owner"].id, release=catalog.opm, status="planned",
                         created_at=catalog.now, updated_at=catalog.now)
    _, body = get(client, "/api/v1/calendar?mine=true", bearer["owner"])
    assert [i["id"] for i in body["items"]] == [catalog.opm]
    assert get(client, "/api/v1/calendar?mine=maybe", bearer["owner"])[1]["error"]["field"] == "mine"


def test_multi_value_filters_are_declared_as_comma_separated_arrays(client):
    document = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"]: p for p in document["paths"]["/api/v1/releases"]["get"]["parameters"]}
    for name in ("genre", "studio", "kind", "status", "team"):
        assert params[name]["schema"]["type"] == "array", name
        assert (params[name]["style"], params[name]["explode"]) == ("form", False), name
    assert params["kind"]["schema"]["items"]["enum"][:2] == ["tv", "movie"]
    assert params["team"]["schema"]["items"]["type"] == "integer"
    assert params["translation_type"]["schema"]["type"] == "string"  # one value only


@pytest.mark.parametrize("comma, repeated", [
    ("kind=tv,movie", "kind=tv&kind=movie"),
    ("status=ongoing,released", "status=ongoing&status=released"),
    ("team=735,869", "team=735&team=869"),
])
def test_a_multi_value_filter_answers_the_same_comma_separated_or_repeated(client, bearer, catalog, comma, repeated):
    _, by_comma = get(client, "/api/v1/releases?per_page=100&" + comma, bearer["owner"])
    _, by_repeat = get(client, "/api/v1/releases?per_page=100&" + repeated, bearer["owner"])
    _, first_only = get(client, "/api/v1/releases?per_page=100&" + repeated.split("&")[0], bearer["owner"])
    assert by_comma["items"] and by_comma == by_repeat
    assert by_comma["total"] > first_only["total"]  # both values count, not only the first

"""The fake Kodik server: determinism, API.md behaviour over HTTP, catalog realism, mutations, faults."""

import base64
import calendar
import json
import re
import time

import pytest
import requests

from anihome.kodik.fake import generate_items
from tests.support.kodik import Fault, FaultyKodik
from tests.support.kodik import FaultPlan

TOKEN = "fake-test-token"


@pytest.fixture(scope="module")
def fake():
    """A read-only fake shared by the tests that do not mutate or script it."""
    with FaultyKodik(items=1500, seed=5, token=TOKEN) as server:
        yield server


@pytest.fixture
def fresh():
    """A small fake of its own, for tests that mutate the catalog or add faults."""
    with FaultyKodik(items=300, seed=9, token=TOKEN) as server:
        yield server


def get(server, path, method="GET", **params):
    params = {"token": TOKEN, **params}  # token first, as the client and Kodik's own links do
    if method == "GET":
        return requests.get(server.base_url + path, params=params, timeout=5)
    return requests.post(server.base_url + path, data=params, timeout=5)


def walk(server, **params):
    """Every item of a /list walk, following next_page verbatim."""
    params.setdefault("limit", 100)
    response = get(server, "/list", **params)
    items = []
    while True:
        body = response.json()
        items += body["results"]
        if not body["next_page"]:
            return items
        response = requests.post(body["next_page"], timeout=5)


def stamp(item):
    return calendar.timegm(time.strptime(item["updated_at"], "%Y-%m-%dT%H:%M:%SZ"))


# --- determinism -------------------------------------------------------------------------

def test_same_seed_gives_the_same_items():
    assert list(generate_items(120, 3)) == list(generate_items(120, 3))


def test_another_seed_gives_other_items():
    assert list(generate_items(50, 3)) != list(generate_items(50, 4))


def test_generate_items_matches_what_the_server_serves():
    with FaultyKodik(items=150, seed=21, token=TOKEN) as server:
        served = walk(server, with_material_data="true")
    assert served == list(generate_items(150, 21))


# --- transport and errors ----------------------------------------------------------------

def test_get_and_post_give_the_same_results(fake):
    by_get = get(fake, "/list", limit=5, types="anime-serial").json()
    by_post = get(fake, "/list", "POST", limit=5, types="anime-serial").json()
    assert by_get["results"] == by_post["results"]
    assert re.fullmatch(r"\d+ms", by_get["time"])


@pytest.mark.parametrize("token", [None, "wrong"])
def test_missing_or_wrong_token_is_http_500_with_error_json(fake, token):
    params = {} if token is None else {"token": token}
    response = requests.get(fake.base_url + "/list", params=params, timeout=5)
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"error": "Отсутствует или неверный токен"}


def test_json_body_is_ignored_so_the_token_is_missing(fake):
    response = requests.post(fake.base_url + "/list", json={"token": TOKEN}, timeout=5)
    assert response.status_code == 500 and "токен" in response.json()["error"]


def test_unknown_type_is_an_error(fake):
    response = get(fake, "/list", types="anime,film")
    assert response.status_code == 500 and response.json() == {"error": "Неправильный тип"}


def test_search_needs_a_search_key(fake):
    response = get(fake, "/search", types="anime")
    assert response.status_code == 500
    assert response.json() == {"error": "Не указан хотя бы один параметр для поиска"}


def test_head_and_options_are_refused(fake):
    assert requests.head(fake.base_url + "/search", timeout=5).status_code == 500
    assert requests.options(fake.base_url + "/search", timeout=5).status_code == 500


# --- /list -------------------------------------------------------------------------------

def test_list_limit_defaults_to_50_caps_at_100_and_rejects_zero(fake):
    assert len(get(fake, "/list").json()["results"]) == 50
    assert len(get(fake, "/list", limit=500).json()["results"]) == 100
    assert get(fake, "/list", limit=0).status_code == 500


def test_next_page_repeats_params_with_token_and_a_keyset_cursor(fake):
    body = get(fake, "/list", limit=3, types="anime-serial", with_material_data="true").json()
    assert body["prev_page"] is None
    url = body["next_page"]
    expected = f"/list?token={TOKEN}&limit=3&types=anime-serial&with_material_data=true&next="
    assert url.startswith(fake.base_url + expected)
    cursor = requests.utils.unquote(url.rsplit("next=", 1)[1])
    last = body["results"][-1]
    assert json.loads(base64.b64decode(cursor)) == [stamp(last) * 1000, last["id"]]


def test_list_walk_is_sorted_by_updated_at_then_id_and_complete(fake):
    items = walk(fake)
    assert len(items) == 1500 == len({i["id"] for i in items})
    keys = [(stamp(i), i["id"]) for i in items]
    assert keys == sorted(keys, reverse=True)
    shared = len(keys) - len({k[0] for k in keys})
    assert shared > 20  # many items share one updated_at, so the id tie-break matters


def test_ascending_and_other_sorts_page_consistently(fake):
    ascending = walk(fake, order="asc", limit=70)
    assert [i["id"] for i in ascending] == [i["id"] for i in reversed(walk(fake))]
    by_year = walk(fake, sort="year", order="asc", limit=90)
    assert len(by_year) == 1500
    assert [i["year"] for i in by_year] == sorted(i["year"] for i in by_year)


def test_prev_page_leads_back(fake):
    first = get(fake, "/list", limit=10).json()
    second = requests.get(first["next_page"], timeout=5).json()
    back = requests.get(second["prev_page"], timeout=5).json()
    assert back["results"] == first["results"]


def test_list_filters(fake):
    serials = walk(fake, types="anime-serial")
    assert serials and {i["type"] for i in serials} == {"anime-serial"}
    assert get(fake, "/list", types="anime-serial").json()["total"] == len(serials)
    assert {i["year"] for i in walk(fake, year="2024,2025")} == {2024, 2025}
    assert {i["translation"]["type"] for i in walk(fake, translation_type="subtitles")} == {"subtitles"}
    assert all("shikimori_id" in i for i in walk(fake, has_field="shikimori_id"))
    assert {i["translation"]["id"] for i in walk(fake, translation_id="609,610")} == {609, 610}
    ongoing = walk(fake, anime_status="ongoing", with_material_data="true")
    assert ongoing and all(i["material_data"]["anime_status"] == "ongoing" for i in ongoing)


def test_material_data_only_when_asked(fake):
    assert not any("material_data" in i for i in get(fake, "/list", limit=100).json()["results"])
    with_md = get(fake, "/list", limit=100, with_material_data="true").json()["results"]
    assert sum("material_data" in i for i in with_md) > 90


# --- /search -----------------------------------------------------------------------------

def test_search_by_shikimori_id_returns_every_translation(fake):
    items = walk(fake, has_field="shikimori_id")
    popular = max({i["shikimori_id"] for i in items}, key=lambda s: sum(i["shikimori_id"] == s for i in items))
    found = get(fake, "/search", shikimori_id=popular).json()
    assert list(found) == ["time", "total", "results"]
    assert found["total"] == len(found["results"]) == sum(i["shikimori_id"] == popular for i in items) > 1
    assert len({i["translation"]["id"] for i in found["results"]}) == found["total"]


def test_search_by_title_folds_case_and_yo(fake):
    item = next(i for i in walk(fake) if "ё" in i["title"])
    query = item["title"].upper().replace("Ё", "Е")
    found = get(fake, "/search", title=query, limit=100).json()["results"]
    assert item["id"] in {i["id"] for i in found}
    nothing = get(fake, "/search", title="нет такого аниме").json()
    assert (nothing["total"], nothing["results"]) == (0, [])


def test_search_by_id_and_player_link(fake):
    item = walk(fake)[17]
    assert [i["id"] for i in get(fake, "/search", id=item["id"]).json()["results"]] == [item["id"]]
    by_link = get(fake, "/search", player_link="https:" + item["link"]).json()["results"]
    assert [i["id"] for i in by_link] == [item["id"]]


def test_seasons_shapes_follow_the_with_flags(fake):
    serial = next(i for i in walk(fake, types="anime-serial") if i["last_episode"] > 1)
    seasons = get(fake, "/search", id=serial["id"], with_seasons="true").json()["results"][0]["seasons"]
    assert all(set(s) <= {"link", "title"} for s in seasons.values())
    episodes = get(fake, "/search", id=serial["id"], with_episodes="true").json()["results"][0]["seasons"]
    last = episodes[str(serial["last_season"])]["episodes"]
    assert len(last) == serial["last_episode"] and all(isinstance(v, str) for v in last.values())
    data = get(fake, "/search", id=serial["id"], with_episodes_data="true").json()["results"][0]["seasons"]
    first = data[str(serial["last_season"])]["episodes"]["1"]
    assert first["link"].startswith("//kodikplayer.com/seria/") and len(first["screenshots"]) == 5


def test_search_with_season_and_episode_filters(fake):
    serial = next(i for i in walk(fake, types="anime-serial") if i["last_episode"] > 2)
    found = get(fake, "/search", id=serial["id"], season=serial["last_season"], episode=2).json()["results"]
    assert found and "episodes" in found[0]["seasons"][str(serial["last_season"])]
    assert get(fake, "/search", id=serial["id"], season=serial["last_season"] + 5).json()["total"] == 0


# --- reference endpoints -----------------------------------------------------------------

def test_reference_endpoints_orders_and_totals(fake):
    translations = get(fake, "/translations/v2", types="anime,anime-serial").json()
    titles = [r["title"] for r in translations["results"]]
    assert titles == sorted(titles)
    assert translations["total"] == sum(r["count"] for r in translations["results"])
    years = [r["year"] for r in get(fake, "/years").json()["results"]]
    assert years == sorted(years, reverse=True)
    qualities = [r["title"] for r in get(fake, "/qualities/v2").json()["results"]]
    assert qualities == sorted(qualities, reverse=True)
    genres = get(fake, "/genres", genres_type="shikimori", sort="count").json()["results"]
    assert [g["count"] for g in genres] == sorted((g["count"] for g in genres), reverse=True)
    assert isinstance(get(fake, "/translations").json(), list)  # v1: a bare array


# --- realism -----------------------------------------------------------------------------

def test_catalog_has_the_variety_of_the_real_one(fake):
    items = walk(fake, with_material_data="true", with_seasons="true")
    md = [i["material_data"] for i in items if "material_data" in i]
    assert {"anime", "anime-serial"} <= {i["type"] for i in items}
    assert {"voice", "subtitles"} == {i["translation"]["type"] for i in items}
    assert any("shikimori_id" not in i for i in items)
    assert any("material_data" not in i for i in items)
    assert any("0" in i.get("seasons", {}) for i in items)
    assert any(i.get("blocked_seasons") not in (None, {}) for i in items)
    assert any("ё" in i["title"] for i in items)
    assert any(m.get("next_episode_at") for m in md)
    assert any(len(m.get("other_titles", [])) > 1 for m in md)
    assert all(re.fullmatch(r"(movie|serial)-\d+", i["id"]) for i in items)
    assert not any(value is None for i in items for value in i.values())
    assert {m.get("rating_mpaa") for m in md} >= {"PG-13", "R"}


# --- mutations ---------------------------------------------------------------------------

def test_touch_moves_items_to_the_front_with_new_episodes(fresh):
    before = {i["id"]: i for i in walk(fresh)}
    newest = max(stamp(i) for i in before.values())
    touched = fresh.touch(7)
    after = walk(fresh)
    assert [i["id"] for i in after[:7]] == touched
    assert all(stamp(i) > newest for i in after[:7])
    for item in after[:7]:
        if "last_episode" in item:
            assert item["episodes_count"] == before[item["id"]]["episodes_count"] + 1
    assert {i["id"] for i in after} == set(before)


def test_add_items_grows_the_catalog(fresh):
    added = fresh.add_items(5)
    body = get(fresh, "/list", limit=5).json()
    assert body["total"] == 305
    assert [i["id"] for i in body["results"]] and set(added) <= {i["id"] for i in walk(fresh)}


# --- faults ------------------------------------------------------------------------------

def test_faults_fire_in_order_after_the_requests_let_through(fresh):
    fresh.set_faults(Fault("status", count=2, after=1, status=503), Fault("rate_limit", retry_after=3))
    statuses = [get(fresh, "/genres").status_code for _ in range(5)]
    assert statuses == [200, 503, 503, 429, 200]
    assert fresh.faults.fired == ["status", "status", "rate_limit"]


def test_rate_limit_fault_sends_retry_after(fresh):
    fresh.add_fault("rate_limit", retry_after=9)
    assert get(fresh, "/years").headers["Retry-After"] == "9"


def test_fault_can_target_one_path(fresh):
    fresh.add_fault("error_json", path="/search", message="Неправильный тип")
    assert get(fresh, "/years").status_code == 200
    response = get(fresh, "/search", title="x")
    assert response.status_code == 500 and response.json() == {"error": "Неправильный тип"}


def test_truncate_fault_cuts_the_body(fresh):
    fresh.add_fault("truncate")
    response = get(fresh, "/list")
    with pytest.raises(ValueError):
        response.json()


def test_slow_fault_delays_the_answer(fresh):
    fresh.add_fault("slow", seconds=0.3)
    started = time.perf_counter()
    assert get(fresh, "/years").status_code == 200
    assert time.perf_counter() - started >= 0.3


def test_item_moving_while_paging_is_missed_by_that_walk(fresh):
    fresh.add_fault("move_item", path="/list", after=1)  # on page 2
    seen = walk(fresh, limit=50)
    assert len(fresh.moved_ids) == 1
    moved = fresh.moved_ids[0]
    assert moved not in {i["id"] for i in seen}
    assert len(seen) == 299
    assert walk(fresh, limit=50)[0]["id"] == moved


def test_unknown_fault_kind_is_refused():
    with pytest.raises(ValueError):
        Fault("explode")


def test_fault_plan_copies_faults_and_counts_them_down():
    mine = Fault("drop", count=2)
    plan = FaultPlan([mine])
    assert plan.take("/list").kind == "drop" and plan.take("/list").kind == "drop"
    assert plan.take("/list") is None
    assert mine.count == 2


def test_request_records_never_hold_the_token(fresh):
    get(fresh, "/list", "POST", limit=2)
    record = fresh.requests[-1]
    assert record.path == "/list" and record.params == {"limit": "2"}
    assert TOKEN not in repr(fresh) + repr(record)

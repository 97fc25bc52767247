"""The fake's answers have the shape of real Kodik answers captured on 2026-05-02.

The captures live beside the project (../shared/kodik/captures) and are read, never copied.
"""

import base64
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from anihome.kodik.fake import FakeKodik

CAPTURES = Path(__file__).resolve().parents[2].parent / "shared/kodik/captures"
TOKEN = "capture-test-token"

pytestmark = pytest.mark.skipif(not CAPTURES.is_dir(), reason=f"Kodik captures not found at {CAPTURES}")

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
PLAYER = re.compile(r"//kodikplayer\.com/(video|serial|season|seria)/\d+/[0-9a-f]{32}/720p")
# Documented (API.md §5.2) but absent from the captures: blocked_seasons may be the string "all".
ALSO_DOCUMENTED = {"blocked_seasons": str}


def capture(name):
    return json.loads((CAPTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fake():
    with FakeKodik(items=800, seed=2, token=TOKEN) as server:
        yield server


def ask(fake, path, **params):
    response = requests.get(fake.base_url + path, params={"token": TOKEN, **params}, timeout=5)
    return response.json()


def kinds(obj):
    return {key: type(value) for key, value in obj.items()}


def assert_same_relative_order(ours, theirs):
    """Keys both objects have appear in the same order in both."""
    ours, theirs = list(ours), list(theirs)
    assert [k for k in ours if k in theirs] == [k for k in theirs if k in ours]


def assert_like(ours, captured):
    """Our object's keys are a subset of the captured ones' union, same types, same order."""
    union = {}
    for obj in captured:
        union.update(kinds(obj))
    for obj in ours:
        assert set(obj) <= set(union), set(obj) - set(union)
        for key, value in obj.items():
            assert type(value) in (union[key], ALSO_DOCUMENTED.get(key)), (key, value)
        for other in captured:
            assert_same_relative_order(obj, other)


@pytest.fixture(scope="module")
def listed(fake):
    captured = capture("list-anime-serial.json")
    return captured, ask(fake, "/list", limit=100, types="anime,anime-serial", with_material_data="true")


def test_list_envelope_keys_and_order_match(listed):
    captured, ours = listed
    assert list(ours) == list(captured) == ["time", "total", "prev_page", "next_page", "results"]
    assert type(ours["total"]) is type(captured["total"]) is int
    assert re.fullmatch(r"\d+ms", ours["time"]) and re.fullmatch(r"\d+ms", captured["time"])


def test_list_items_have_captured_keys_types_and_order(listed):
    captured, ours = listed
    real_items = captured["results"] + capture("list-foreign-movie.json")["results"]
    assert_like(ours["results"], real_items)
    assert_like([i["translation"] for i in ours["results"]], [i["translation"] for i in real_items])


def test_list_values_have_captured_formats(listed):
    captured, ours = listed
    for item in captured["results"] + ours["results"]:
        assert ISO.fullmatch(item["created_at"]) and ISO.fullmatch(item["updated_at"])
        assert PLAYER.fullmatch(item["link"])
        assert re.fullmatch(r"(movie|serial)-\d+", item["id"])
        assert len(item["screenshots"]) == 5 and all(s.startswith("https://") for s in item["screenshots"])
        assert item["id"].split("-")[1] == item["link"].split("/")[4]


def test_material_data_has_captured_keys_types_and_order(listed):
    captured, ours = listed
    real = [i["material_data"] for i in captured["results"] + capture("search-anime-serial.json")["results"]
            + capture("list-foreign-movie.json")["results"]]
    mine = [i["material_data"] for i in ours["results"] if "material_data" in i]
    assert len(mine) > 80
    assert_like(mine, real)
    for md in mine:
        assert all(isinstance(v, str) for k in ("genres", "anime_genres", "all_genres") for v in md.get(k, []))


def test_next_page_is_built_like_kodiks(fake):
    real = capture("list-anime-serial.json")["next_page"]
    real_pairs = parse_qsl(urlsplit(real).query)
    asked = [(k, v) for k, v in real_pairs if k not in ("token", "next")]
    ours = ask(fake, "/list", **dict(asked))["next_page"]
    our_pairs = parse_qsl(urlsplit(ours).query)
    assert [k for k, _ in our_pairs] == [k for k, _ in real_pairs]
    assert urlsplit(ours).path == urlsplit(real).path == "/list"
    for pairs in (real_pairs, our_pairs):
        value, item_id = json.loads(base64.b64decode(dict(pairs)["next"]))
        assert isinstance(value, int) and re.fullmatch(r"(movie|serial)-\d+", item_id)


def test_search_envelope_and_episode_links_match(fake):
    captured = capture("search-anime-serial.json")
    real_item = captured["results"][0]
    some = ask(fake, "/list", types="anime-serial", has_field="shikimori_id", limit=1)["results"][0]
    ours = ask(fake, "/search", shikimori_id=some["shikimori_id"], with_episodes="true", with_material_data="true")
    assert list(ours) == list(captured) == ["time", "total", "results"]
    assert_like([{k: v for k, v in i.items() if k != "material_data"} for i in ours["results"]],
                [{k: v for k, v in real_item.items() if k != "material_data"}])
    real_season_keys = {k for s in real_item["seasons"].values() for k in s}
    for item in ours["results"]:
        for number, season in item["seasons"].items():
            assert number.isdigit()
            assert set(season) - {"title"} <= real_season_keys
            assert PLAYER.fullmatch(season["link"])
            assert all(n.isdigit() and PLAYER.fullmatch(link) for n, link in season["episodes"].items())
    for link in real_item["seasons"]["1"]["episodes"].values():
        assert PLAYER.fullmatch(link)


def test_search_error_body_matches(fake):
    assert ask(fake, "/search", types="foreign-movie") == capture("search-foreign-movie.json")


@pytest.mark.parametrize("path, name, descending", [
    ("/translations/v2", "translations-v2-anime.json", False),
    ("/genres", "genres-anime.json", False),
    ("/countries", "countries.json", False),
    ("/years", "years.json", True),
    ("/qualities/v2", "qualities-v2.json", True),
])
def test_reference_endpoints_match_shape_and_order(fake, path, name, descending):
    captured = capture(name)
    ours = ask(fake, path, types="anime,anime-serial") if "anime" in name else ask(fake, path)
    assert list(ours) == list(captured) == ["time", "total", "results"]
    assert [list(r) for r in ours["results"][:1]] == [list(r) for r in captured["results"][:1]]
    assert kinds(ours["results"][0]) == kinds(captured["results"][0])
    sort_key = next(k for k in captured["results"][0] if k != "id")
    for rows in (captured["results"], ours["results"]):
        values = [r[sort_key] for r in rows]
        assert values == sorted(values, reverse=descending)


def test_translation_totals_count_materials_as_kodik_does(fake):
    captured = capture("translations-v2-anime.json")
    ours = ask(fake, "/translations/v2", types="anime-serial")
    for body in (captured, ours):
        assert body["total"] == sum(r["count"] for r in body["results"])

"""Release page data: translations, seasons x episodes, franchise, age cap, query bounds."""
import pytest
from playhouse.test_utils import count_queries

from anihome.catalog.home import home_rows
from anihome.catalog.releases import release_page
from anihome.errors import AppError, NotFound


def test_release_page_carries_titles_genres_studios_and_ratings(db, catalog):
    page = release_page(catalog.aot, None)
    release = page["release"]
    assert (release["title"], release["title_orig"], release["title_en"]) == (
        "Атака титанов", "Shingeki no Kyojin", "Attack on Titan")
    assert release["other_titles"] == ["Вторжение гигантов"]
    assert [g["slug"] for g in release["genres"]] == ["drama", "action"]  # by Russian name
    assert [s["name"] for s in release["studios"]] == ["Wit Studio"]
    assert release["aired_on"] == "2013-04-07"


def test_translations_list_voice_first_with_counts_and_quality(db, catalog):
    page = release_page(catalog.aot, None)
    assert [(t["title"], t["type"], t["episodes_count"]) for t in page["translations"]] == [
        ("AniLibria", "voice", 25), ("Субтитры", "subtitles", 3)]
    assert page["translation"]["quality"] == "WEB-DLRip 720p"
    assert [len(s["episodes"]) for s in page["seasons"]] == [25]


def test_choosing_a_translation_shows_its_own_episodes(db, catalog):
    subs = catalog.translations["aot"][1]
    page = release_page(catalog.aot, None, subs.id)
    assert page["translation"]["id"] == subs.id
    episodes = page["seasons"][0]["episodes"]
    assert [e["number"] for e in episodes] == [1, 2, 3]
    assert len({e["id"] for e in episodes}) == 3


def test_a_translation_of_another_release_is_not_found(db, catalog):
    other = catalog.translations["opm"][0]
    with pytest.raises(AppError) as info:
        release_page(catalog.aot, None, other.id)
    assert info.value.status == 404 and info.value.field == "translation"


def test_other_seasons_of_the_franchise_are_listed_in_air_order(db, catalog):
    page = release_page(catalog.aot2, None)
    assert [r["id"] for r in page["franchise"]] == [catalog.aot, catalog.aot_final]
    assert release_page(catalog.star, None)["franchise"] == []


def test_hidden_releases_are_not_found(db, catalog):
    with pytest.raises(NotFound):
        release_page(catalog.aot, 12)
    with pytest.raises(NotFound):
        release_page(catalog.unknown, 18)
    with pytest.raises(NotFound):
        release_page(catalog.gone, None)
    with pytest.raises(NotFound):
        release_page(999999, None)


def test_a_movie_has_its_translation_and_no_episode_grid(db, catalog):
    page = release_page(catalog.star, None)
    assert page["translation"]["is_movie"] and page["seasons"] == []


def test_release_page_costs_a_fixed_number_of_queries(db, catalog):
    with count_queries() as small:
        release_page(catalog.aot2, None)  # one translation, 12 episodes
    with count_queries() as big:  # two translations, 25 episodes
        release_page(catalog.aot, None)
    assert big.count == small.count <= 6


def test_home_rows_cost_one_query_each_and_respect_the_cap(db, catalog):
    with count_queries() as counter:
        rows = home_rows(12)
    assert counter.count == 4
    names = {row["name"]: [i["id"] for i in row["items"]] for row in rows}
    assert names["new_episodes"] == [catalog.star, catalog.html]
    assert "ongoing" not in names  # both ongoing releases are above the cap
    assert home_rows(None)[0]["items"][0]["id"] == catalog.aot

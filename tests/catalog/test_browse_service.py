"""Browse filters, sorts and pagination against the fixture catalog (known answers)."""
import pytest
from werkzeug.datastructures import MultiDict

from anihome.catalog.params import parse_browse
from anihome.catalog.queries import browse, facets
from anihome.errors import AppError


def ids(db, args, cap=None):
    return [item["id"] for item in browse(parse_browse(MultiDict(args)), cap)["items"]]


def test_default_sort_is_most_recently_updated_and_hides_unavailable(db, catalog):
    assert ids(db, {}) == [catalog.aot, catalog.aot2, catalog.aot_final, catalog.star,
                           catalog.death_note, catalog.opm, catalog.dreams, catalog.unknown,
                           catalog.html]


def test_genre_filter_requires_every_chosen_genre(db, catalog):
    assert set(ids(db, [("genre", "action")])) == {catalog.aot, catalog.aot2, catalog.aot_final,
                                                   catalog.opm}
    assert ids(db, [("genre", "action"), ("genre", "drama")]) == [catalog.aot]


def test_year_range_kind_status_and_studio_filters(db, catalog):
    assert set(ids(db, {"year_from": "2017", "year_to": "2020"})) == {
        catalog.aot2, catalog.aot_final, catalog.star, catalog.dreams}
    assert ids(db, {"kind": "movie"}) == [catalog.star]
    assert set(ids(db, {"status": "ongoing"})) == {catalog.opm, catalog.dreams}
    assert set(ids(db, {"studio": "madhouse"})) == {catalog.star, catalog.death_note}
    assert set(ids(db, {"kind": "ova,ona"})) == {catalog.dreams, catalog.unknown}


def test_translation_team_and_type_filters(db, catalog):
    assert set(ids(db, {"team": "735"})) == {catalog.death_note, catalog.unknown}
    assert set(ids(db, {"translation_type": "subtitles"})) == {catalog.aot, catalog.aot_final,
                                                               catalog.html}


def test_minimum_rating_filter(db, catalog):
    assert set(ids(db, {"min_rating": "8.4"})) == {catalog.aot, catalog.aot2, catalog.death_note}


@pytest.mark.parametrize("sort, first", [("rating", "death_note"), ("year", "html"),
                                         ("popularity", "aot_final"), ("title", "html"),
                                         ("added", "aot")])
def test_sorts_put_the_expected_release_first(db, catalog, sort, first):
    assert ids(db, {"sort": sort})[0] == getattr(catalog, first)


def test_title_sort_is_alphabetical_on_the_normalised_title(db, catalog):
    titles = [item["title"] for item in browse(parse_browse({"sort": "title"}), None)["items"]]
    assert titles[1:] == ["Атака титанов", "Атака титанов 2", "Атака титанов: Финал", "Ванпанчмен",
                          "Загадочная девушка Икс", "Звёздный странник", "Тёмные грёзы",
                          "Тетрадь смерти"]


def test_pages_split_the_list_and_report_totals(db, catalog):
    first = browse(parse_browse({"per_page": "4"}), None)
    third = browse(parse_browse({"per_page": "4", "page": "3"}), None)
    assert (first["total"], first["pages"], len(first["items"])) == (9, 3, 4)
    assert [item["id"] for item in third["items"]] == [catalog.html]


def test_age_cap_hides_releases_above_it_and_unknown_ratings(db, catalog):
    assert set(ids(db, {}, cap=12)) == {catalog.star, catalog.html}
    assert catalog.unknown not in ids(db, {}, cap=18)
    assert catalog.dreams in ids(db, {}, cap=18)


@pytest.mark.parametrize("args, field", [
    ({"kind": "cartoon"}, "kind"), ({"year_from": "abc"}, "year_from"),
    ({"year_from": "2020", "year_to": "2010"}, "year_from"), ({"min_rating": "11"}, "min_rating"),
    ({"sort": "random"}, "sort"), ({"page": "0"}, "page"), ({"per_page": "1000"}, "per_page"),
    ({"team": "x"}, "team"), ({"translation_type": "dub"}, "translation_type"),
])
def test_bad_parameters_name_the_field(db, args, field):
    with pytest.raises(AppError) as info:
        parse_browse(args)
    assert info.value.field == field


def test_query_string_round_trips_into_equal_parameters(db):
    params = parse_browse(MultiDict([("genre", "drama"), ("genre", "action"), ("sort", "rating"),
                                     ("min_rating", "7.5"), ("page", "2")]))
    again = parse_browse(MultiDict([tuple(pair.split("=")) for pair in params.query_string().split("&")]))
    assert again == params
    assert params.query_string(page=None) == "genre=action&genre=drama&min_rating=7.5&sort=rating"


def test_facets_list_genres_studios_and_teams_with_counts(db, catalog):
    result = facets()
    assert {g["slug"]: g["count"] for g in result["genres"]}["action"] == 5
    assert [s["slug"] for s in result["studios"]] == ["jc-staff", "madhouse", "wit-studio"]
    assert {t["id"]: t["type"] for t in result["teams"]}[869] == "subtitles"


def test_facet_counts_under_a_cap_count_only_releases_the_member_may_see(db, catalog):
    everyone = facets()
    capped = facets(16)  # hides "dreams" (18, drama, AniDUB) and "unknown" (no rating, comedy, 2x2)
    genres = {g["slug"]: g["count"] for g in capped["genres"]}
    assert genres["drama"] == {g["slug"]: g["count"] for g in everyone["genres"]}["drama"] - 1 == 2
    assert genres["comedy"] == 1  # opm only
    teams = {t["id"]: t["count"] for t in capped["teams"]}
    assert teams[609] == 1 and teams[735] == 1  # star alone; death_note alone
    kid = facets(0)  # only "html" (age 0): one team, no genre, no studio
    assert kid["genres"] == [] and kid["studios"] == []
    assert [(t["id"], t["count"]) for t in kid["teams"]] == [(869, 1)]


# Every filter alone and in pairs, each sort, two pages, with and without a cap: the SQLite
# plans of browse_sqlite (sorting a driving set, or walking a sort index) must give exactly
# the pages and totals of the portable Peewee query.
_FILTER_CASES = [
    {}, {"genre": "action"}, {"genre": "action,drama"}, {"genre": "nope"}, {"studio": "madhouse"},
    {"studio": "madhouse,wit-studio"}, {"kind": "tv,movie"}, {"status": "ongoing"}, {"team": "610"},
    {"team": "610,735"}, {"translation_type": "voice"}, {"translation_type": "subtitles"},
    {"year_from": "2013", "year_to": "2020"}, {"min_rating": "8"},
    {"genre": "action", "studio": "wit-studio"}, {"genre": "drama", "kind": "tv", "min_rating": "8.5"},
    {"studio": "madhouse", "translation_type": "voice"}, {"genre": "comedy", "team": "735"},
]


@pytest.mark.sqlite_only("compares SQLite's written-out browse plans (browse_sqlite) with the portable queries")
@pytest.mark.parametrize("sort_first_max", [0, 10**9], ids=["walk-sort-index", "sort-driving-set"])
def test_sqlite_browse_plans_give_the_portable_query_answers(db, catalog, monkeypatch, sort_first_max):
    from anihome.catalog import browse_sqlite
    from anihome.catalog.queries import SORTS, filtered, unindexed
    from anihome.models import Release

    from anihome.catalog.filters import FILTERS

    assert {name for case in _FILTER_CASES for name in case} == set(FILTERS)  # a new filter joins
    monkeypatch.setattr(browse_sqlite, "SORT_FIRST_MAX", sort_first_max)
    checked = 0
    for filters in _FILTER_CASES:
        for sort in SORTS:
            for page in (1, 2):
                for cap in (None, 16):
                    params = parse_browse({**filters, "sort": sort, "page": str(page), "per_page": "2"})
                    reference = filtered(params, cap, Release.id, col=unindexed)
                    expected_total = reference.count()
                    expected = [r.id for r in reference.order_by(*SORTS[sort]).paginate(page, 2)]
                    total = browse_sqlite.count(params, cap)
                    assert total == expected_total, (filters, cap)
                    assert browse_sqlite.page_ids(params, cap, total) == expected, (filters, sort, page, cap)
                    checked += bool(expected)
    assert checked > 150  # most cases have rows to compare, not just empty pages

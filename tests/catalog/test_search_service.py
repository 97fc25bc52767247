"""Search and autocomplete: case and ё folding, romaji and English titles, ranking, short input."""
import pytest

from anihome.catalog.search import autocomplete, search
from anihome.catalog.search_index import reindex_releases
from anihome.errors import AppError
from anihome.models import Release


def found(query, cap=None):
    return [item["id"] for item in search(query, cap)["items"]]


def test_upper_case_russian_finds_lower_case_titles(db, catalog):
    assert catalog.aot in found("АТАКА")


def test_e_without_dots_finds_titles_spelled_with_yo(db, catalog):
    assert found("звездный") == [catalog.star]
    assert found("Звёздный") == [catalog.star]


def test_romaji_english_and_alternative_titles_are_searchable(db, catalog):
    assert set(found("kyojin")) == {catalog.aot, catalog.aot2, catalog.aot_final}
    assert found("Shingeki no Kyojin")[0] == catalog.aot
    assert found("attack on titan")[0] == catalog.aot
    assert found("wanderer") == [catalog.star]
    assert found("вторжение гигантов") == [catalog.aot]


def test_exact_title_ranks_first_then_prefix_matches_by_popularity(db, catalog):
    # aot_final (popularity 500) and aot2 (80) start with the query; aot is the exact title.
    assert found("атака титанов") == [catalog.aot, catalog.aot_final, catalog.aot2]


def test_titles_starting_with_the_query_rank_the_same_when_there_are_too_many_to_sort(db, catalog,
                                                                                     monkeypatch):
    # Past PREFIX_SORT_MAX such titles the FTS index is walked in rank order instead.
    from anihome.catalog import search as search_module

    monkeypatch.setattr(search_module, "PREFIX_SORT_MAX", 0)
    assert found("атака титанов") == [catalog.aot, catalog.aot_final, catalog.aot2]
    assert found("shingeki")[:3] == [catalog.aot_final, catalog.aot, catalog.aot2]
    assert found("атака", cap=12) == []


def test_a_word_no_title_starts_with_is_found_inside_titles_by_popularity(db, catalog):
    assert found("титанов") == [catalog.aot_final, catalog.aot, catalog.aot2]
    assert found("kyojin") == [catalog.aot_final, catalog.aot, catalog.aot2]


def test_popularity_breaks_ties_between_equal_matches(db, catalog):
    assert found("death note") == [catalog.death_note]
    assert found("shingeki")[:3] == [catalog.aot_final, catalog.aot, catalog.aot2]


def test_words_in_any_order_all_have_to_match(db, catalog):
    assert found("титанов атака") == [catalog.aot_final, catalog.aot, catalog.aot2]
    assert found("атака смерти") == []


def test_one_and_two_characters_use_title_starts_by_popularity(db, catalog):
    assert found("а") == [catalog.aot_final, catalog.aot, catalog.aot2]
    assert found("De") == [catalog.death_note]
    assert found("зв") == [catalog.star]


def test_search_respects_the_age_cap_and_hides_unknown_ratings(db, catalog):
    assert found("атака", cap=12) == []
    assert found("nazo", cap=18) == []
    assert found("nazo") == [catalog.unknown]
    assert found("а", cap=12) == []


def test_unavailable_releases_are_never_found(db, catalog):
    assert found("скрытый") == []


def test_autocomplete_returns_at_most_eight_suggestions(db, catalog):
    for n in range(12):
        Release.create(key=f"x:{n}", title=f"Атака клонов {n}", sort_title=f"атака клонов {n}",
                       first_seen_at=catalog.now, kodik_updated_at=catalog.now,
                       updated_at=catalog.now, popularity=n)
    reindex_releases()
    suggestions = autocomplete("атака", None)
    assert len(suggestions) == 8
    assert set(suggestions[0]) == {"id", "title", "title_orig", "title_en", "year", "kind", "poster_url"}
    assert len(autocomplete("ат", None)) == 8


def test_reindexing_picks_up_a_renamed_release(db, catalog):
    Release.update(title="Новое имя", title_orig="", title_en="", other_titles="[]").where(
        Release.id == catalog.star).execute()
    reindex_releases([catalog.star])
    assert found("новое имя") == [catalog.star]
    assert found("wanderer") == []
    assert found("но") == [catalog.star]


@pytest.mark.parametrize("query", [None, "", "   ", "!!!", "x" * 101])
def test_empty_or_oversized_queries_are_refused_naming_q(db, query):
    with pytest.raises(AppError) as info:
        search(query, None)
    assert info.value.field == "q"


def test_search_pages_carry_totals_in_the_api_pagination_shape(db, catalog):
    first = search("а", None, page=1, per_page=2)
    second = search("а", None, page=2, per_page=2)
    assert (first["total"], first["pages"]) == (3, 2)
    assert [i["id"] for i in second["items"]] == [catalog.aot2]
    assert search("атака", None)["total"] == 3
    assert search("атака", 12) == {"items": [], "page": 1, "per_page": 24, "total": 0, "pages": 0}


def test_a_popularity_change_reorders_results_after_reindexing(db, catalog):
    Release.update(popularity=1000).where(Release.id == catalog.aot2).execute()
    reindex_releases([catalog.aot2])
    assert found("атака титанов") == [catalog.aot, catalog.aot2, catalog.aot_final]
    assert found("ат")[0] == catalog.aot2


def test_rank_keys_order_by_popularity_then_id():
    from anihome.catalog.search_index import rank_key, release_of_rank

    assert rank_key(9.5, 7, 0) < rank_key(2.0, 3, 0) < rank_key(2.0, 4, 0) < rank_key(None, 1, 0)
    assert release_of_rank(rank_key(12.345, 123456, 5)) == 123456


def test_deleted_releases_leave_no_search_results(db, catalog):
    Release.delete().where(Release.id == catalog.star).execute()
    assert found("звездный") == [] and found("зв") == []

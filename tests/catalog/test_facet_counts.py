"""Live counts on the browse filters: each kind, status and genre counts what choosing it with
the other filters would list, under the member's age cap, and the browse page shows them."""
import pytest
from werkzeug.datastructures import MultiDict

from anihome.catalog.facet_counts import facet_counts
from anihome.catalog.params import parse_browse
from anihome.catalog.queries import count
from anihome.models import Genre, Release
from anihome.models.catalog import KINDS, STATUSES

CASES = [{}, {"genre": "action"}, {"kind": "tv"}, {"kind": "tv,movie", "status": "ongoing"},
         {"year_from": "2017"}, {"studio": "madhouse"}, {"genre": "action", "min_rating": "8"},
         {"translation_type": "subtitles", "status": "released"}]


def _with(args: dict, name: str, value: str) -> MultiDict:
    changed = dict(args)
    changed[name] = value
    return MultiDict(changed)


@pytest.mark.parametrize("cap", [None, 12, 16])
@pytest.mark.parametrize("args", CASES)
def test_each_live_count_equals_the_count_of_choosing_that_value(db, catalog, args, cap):
    live = facet_counts(parse_browse(MultiDict(args)), cap)
    for name, values in (("kind", KINDS), ("status", STATUSES),
                         ("genre", [g.slug for g in Genre.select()])):
        for value in values:
            expected = count(parse_browse(_with(args, name, value)), cap)
            assert live[name].get(value, 0) == expected, (name, value)


def test_a_capped_member_counts_only_what_the_cap_allows(db, catalog):
    everything = sum(facet_counts(parse_browse({}), None)["kind"].values())
    capped = sum(facet_counts(parse_browse({}), 12)["kind"].values())
    assert everything == Release.select().where(Release.available == True).count()  # noqa: E712
    assert 0 < capped < everything


def test_the_browse_page_shows_live_counts_next_to_kinds_statuses_and_genres(app, client, catalog, member, login):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        live = facet_counts(parse_browse(MultiDict({"genre": "action"})), None)
    login(client, "member")
    html = client.get("/browse?genre=action").get_data(as_text=True)
    assert f'value="tv" > TV series <span class="facet-count">{live["kind"]["tv"]}</span>' in html
    assert f'<span class="facet-count">{live["status"].get("ongoing", 0)}</span>' in html
    assert f'value="drama" >Drama ({live["genre"]["drama"]})</option>' in html
    assert live["kind"]["tv"] == 4 and live["genre"]["drama"] == 3  # the genre menu picks one genre


@pytest.mark.sqlite_only("compares the written-out SQLite counts with the portable queries")
@pytest.mark.parametrize("cap", [None, 12])
@pytest.mark.parametrize("args", CASES)
def test_the_sqlite_plan_and_the_portable_queries_agree(db, catalog, args, cap):
    from anihome.catalog.facet_counts import portable_counts, sqlite_counts

    params = parse_browse(MultiDict(args))
    assert sqlite_counts(params, cap) == portable_counts(params, cap)

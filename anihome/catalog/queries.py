"""Browse: filtered, sorted, paginated release lists, and the facets that feed the filter form.

Filters and sorts are declared once, in ``filters`` (a table of small functions, not an
if-ladder). Every query goes through ``apply_age_cap``. On SQLite a page costs three
queries (count, page ids, cards) planned by ``browse_sqlite``; elsewhere two Peewee queries.

Index choice (the portable path): a page query hides the kind/status/year/rating/age
columns from the planner (``unindexed``), so the database walks the ``(available, <sort
column>)`` index and stops after one page instead of collecting every match of a broad
range and sorting it; the count query keeps them indexable.
"""
from __future__ import annotations

from typing import Callable

from peewee import fn

from ..db import is_sqlite
from ..models import Genre, Release, ReleaseGenre, ReleaseStudio, Studio, Translation
from . import browse_sqlite
from .agecap import apply_age_cap
from .cards import CARD_FIELDS, cards_for_ids, release_card
from .filters import FILTERS, SORTS, indexed, unindexed
from .params import BrowseParams


def visible_releases(cap: int | None, *fields, col: Callable = indexed, narrow: bool = False):
    """Available releases allowed under ``cap`` (the base of every catalog list).

    ``narrow=True`` when the caller's own condition is the selective one (a franchise, a
    date range): availability then stays out of the planner's index choice, so SQLite does
    not walk every available release through an ``(available, ...)`` index instead."""
    available = fn.COALESCE(Release.available, False) if narrow else Release.available
    query = Release.select(*(fields or CARD_FIELDS)).where(available == True)  # noqa: E712
    if narrow:
        col = unindexed
    return apply_age_cap(query, cap, column=col(Release.age_limit))


def filtered(params: BrowseParams, cap: int | None, *fields, col: Callable = indexed):
    """Releases matching every filter of ``params`` under ``cap`` (not yet sorted)."""
    query = visible_releases(cap, *fields, col=col)
    for name, value in params.filters:
        query = FILTERS[name].narrow(query, value, col)
    return query


def count(params: BrowseParams, cap: int | None) -> int:
    """How many releases match the filters of ``params`` under ``cap`` (sort and page aside).

    SQLite: ``browse_sqlite.count``. Elsewhere plain columns are hidden from the planner, so
    the count reads the covering ``release_available_filters`` index, not wide rows."""
    if is_sqlite():
        return browse_sqlite.count(params, cap)
    return filtered(params, cap, Release.id, col=unindexed).count()


def browse(params: BrowseParams, cap: int | None, total: int | None = None) -> dict:
    """One page of releases for ``params`` under ``cap`` in the API's pagination shape
    (items, page, per_page, total, pages); a page past the end is empty."""
    total = count(params, cap) if total is None else total
    items = []
    if total > (params.page - 1) * params.per_page and is_sqlite():
        items = cards_for_ids(browse_sqlite.page_ids(params, cap, total))
    elif total > (params.page - 1) * params.per_page:
        query = filtered(params, cap, col=unindexed)
        rows = query.order_by(*SORTS[params.sort]).paginate(params.page, params.per_page).dicts()
        items = [release_card(row) for row in rows]
    pages = -(-total // params.per_page)
    return {"items": items, "page": params.page, "per_page": params.per_page,
            "total": total, "pages": pages}


def facets(cap: int | None = None) -> dict:
    """What the filter form offers: genres, studios and teams with release counts, the year span.

    Under a cap the counts are of the available releases the cap allows (a capped member
    never learns how many hidden titles a genre or a team has); names with none are left out."""
    genre_rows = _linked_counts(Genre, ReleaseGenre, cap)
    studio_rows = _linked_counts(Studio, ReleaseStudio, cap)
    return {"genres": genre_rows, "studios": studio_rows, "teams": teams(cap), "years": years()}


def _linked_counts(named, link, cap: int | None) -> list[dict]:
    """Genres or studios (``named``) with how many releases ``link`` ties to each."""
    query = (named.select(named.id, named.name, named.slug, fn.COUNT(link.release).alias("count"))
             .join(link))
    if cap is not None:
        query = apply_age_cap(query.join(Release, on=(link.release == Release.id))
                              .where(Release.available == True), cap)  # noqa: E712
    return list(query.group_by(named.id).order_by(named.name).dicts())


def teams(cap: int | None = None) -> list[dict]:
    """Translation teams (Kodik translation ids) with their type and how many titles they carry.

    Counted from the covering ``(available, team_id, voice)`` index (m0009), names read from
    one row per team: two small queries instead of grouping every translation row. Under a
    cap, only translations of releases the cap allows count."""
    groups = (Translation.select(Translation.team_id, fn.MAX(Translation.voice.cast("INTEGER")),
                                 fn.COUNT(Translation.id), fn.MIN(Translation.id))
              .where(Translation.available == True))  # noqa: E712
    if cap is not None:
        groups = apply_age_cap(groups.join(Release, on=(Translation.release == Release.id))
                               .where(Release.available == True), cap)  # noqa: E712
    groups = list(groups.group_by(Translation.team_id).tuples())
    names = dict(Translation.select(Translation.id, Translation.team)
                 .where(Translation.id.in_([first for *_, first in groups])).tuples()) if groups else {}
    items = [{"id": team_id, "title": names.get(first, ""), "type": "voice" if voice else "subtitles",
              "count": count} for team_id, voice, count, first in groups]
    return sorted(items, key=lambda item: item["title"].casefold())


def years() -> tuple[int | None, int | None]:
    """The oldest and newest release year, for the year-range inputs."""
    return tuple(Release.select(fn.MIN(Release.year), fn.MAX(Release.year)).scalar(as_tuple=True))

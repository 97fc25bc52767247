"""Live counts for the browse filters: how many titles each kind, status and genre would give
together with the other filters already chosen, under the member's age cap.

For each of the three filters, one grouped query over the releases matching every *other*
filter (the usual "disjunctive facet" count: a kind's number is what ticking that kind alone
would show). Three queries per filter set; ``cached.facet_counts`` keeps the answer per cap
and filter set, shared by every sort and page, and drops it with the catalog.

On SQLite the queries are written out like ``browse_sqlite.count``: kinds and statuses are
counted from the covering ``release_available_filters`` index (or from the links of the one
chosen studio or genre), genres by walking ``release_genre`` in genre order and probing the
covering ``release_visibility`` index. Elsewhere, the portable Peewee queries. Both give the
same answer (a test compares them); the costs are in docs/benchmarks.md.
"""
from __future__ import annotations

from dataclasses import replace

from peewee import fn

from ..db import database, is_sqlite
from ..models import Genre, Release, ReleaseGenre
from .browse_sqlite import _conditions, _driven_from, _driver
from .filters import unindexed
from .params import BrowseParams
from .queries import filtered

LIVE_FILTERS = ("kind", "status", "genre")


def _without(params: BrowseParams, name: str) -> BrowseParams:
    return replace(params, filters=tuple((n, v) for n, v in params.filters if n != name))


def facet_counts(params: BrowseParams, cap: int | None) -> dict[str, dict]:
    """``{"kind": {kind: n}, "status": {status: n}, "genre": {slug: n}}``; values absent from
    the answer count 0."""
    return sqlite_counts(params, cap) if is_sqlite() else portable_counts(params, cap)


def _source(params: BrowseParams, cap: int | None):
    """FROM, WHERE parts and arguments for the releases matching ``params`` (browse_sqlite.count's plan)."""
    driver = _driver(params)
    if driver is None:
        where, args = _conditions(params, cap)
        return '"release" AS r INDEXED BY release_available_filters', where, args
    where, args = _conditions(params, cap, skip=driver)
    (source, lead), lead_args = _driven_from(driver)
    return source, lead + where, lead_args + args


def sqlite_counts(params: BrowseParams, cap: int | None) -> dict[str, dict]:
    counts: dict[str, dict] = {}
    for name in ("kind", "status"):
        source, where, args = _source(_without(params, name), cap)
        sql = f"SELECT r.{name}, COUNT(*) FROM {source} WHERE {' AND '.join(where)} GROUP BY r.{name}"
        counts[name] = dict(database.execute_sql(sql, args).fetchall())
    rest = _without(params, "genre")
    if _driver(rest) is None:
        where, args = _conditions(rest, cap)
        source = ("release_genre AS g INDEXED BY release_genre_genre_release"
                  ' CROSS JOIN "release" AS r INDEXED BY release_visibility ON r.id = g.release_id')
    else:
        source, where, args = _source(rest, cap)
        source += " CROSS JOIN release_genre AS g ON g.release_id = r.id"
    sql = (f"SELECT gn.slug, COUNT(*) FROM {source} JOIN genre AS gn ON gn.id = g.genre_id"
           f" WHERE {' AND '.join(where)} GROUP BY g.genre_id")
    counts["genre"] = dict(database.execute_sql(sql, args).fetchall())
    return counts


def portable_counts(params: BrowseParams, cap: int | None) -> dict[str, dict]:
    counts: dict[str, dict] = {}
    for name, column in (("kind", Release.kind), ("status", Release.status)):
        query = filtered(_without(params, name), cap, column, fn.COUNT(Release.id), col=unindexed)
        counts[name] = dict(query.group_by(column).tuples())
    genres = (filtered(_without(params, "genre"), cap, Genre.slug, fn.COUNT(Release.id), col=unindexed)
              .join(ReleaseGenre, on=(ReleaseGenre.release == Release.id))
              .join(Genre, on=(Genre.id == ReleaseGenre.genre))
              .group_by(Genre.slug))
    counts["genre"] = dict(genres.tuples())
    return counts

"""Browse counts and pages on SQLite, written out so the plan is ours, not a guess.

Without ANALYZE statistics SQLite tends to scan every available release and test the genre
or studio of each, or to read wide release rows along a sort index (the costs are in
docs/benchmarks.md, section "Catalog"). Here (m0010):

- **count** drives from the links of one chosen studio or genre (a few thousand index
  entries) and checks every other filter in ``release_visibility``, a covering index keyed
  by release id; without such a filter it scans the covering ``release_available_filters``.
- **page** needs ids only. When the match count is small and a driving set exists, it
  sorts those few matches; otherwise it walks the ``(available, <sort>)`` index in order,
  testing links with correlated EXISTS (one index probe a row), and stops after the page.
  Cards for the page's ids come from one query.

Each filter's SQL is declared with it in ``filters.FILTERS``. Results equal
``queries.filtered(...)`` (tests compare the two on every filter and sort).
"""
from __future__ import annotations

from ..db import database
from .filters import FILTERS, SORTS
from .params import BrowseParams

#: Up to this many matches a page is sorted from the driving set; past it, the sort-index
#: walk meets a page of matches within (page end) x (catalog / matches) index entries.
SORT_FIRST_MAX = 2000

#: sort name -> the ``(available, <column>)`` index that walks it (m0008, m0009)
SORT_INDEXES = {"updated": "release_available_updated", "rating": "release_available_rating",
                "year": "release_available_year", "title": "release_available_sort_title",
                "popularity": "release_available_popularity", "added": "release_available_first_seen_at"}

# Driving sets: the release ids linked to one studio or one genre (link table, its column).
_DRIVERS = {"studio": ("release_studio", "studio_id"), "genre": ("release_genre", "genre_id")}


def _conditions(params: BrowseParams, cap: int | None, skip: tuple | None = None):
    """SQL conditions on ``r`` for every filter, and their arguments."""
    sql, args = ["r.available = 1"], []
    for name, value in params.filters:
        for condition, values in FILTERS[name].sql(value, skip):
            sql.append(condition)
            args += values
    if cap is not None:
        sql.append("r.age_limit IS NOT NULL AND r.age_limit <= ?")
        args.append(cap)
    return sql, args


def _driver(params: BrowseParams):
    """(name, value) of the filter whose links drive the query: one studio, else a genre."""
    found = dict(params.filters)
    if len(found.get("studio", ())) == 1:
        return "studio", found["studio"][0]
    if found.get("genre"):
        return "genre", found["genre"][0]
    return None


def _driven_from(driver) -> tuple[str, list]:
    name, slug = driver
    table, column = _DRIVERS[name]
    return (f'{table} AS d CROSS JOIN "release" AS r INDEXED BY release_visibility ON r.id = d.release_id',
            [f"d.{column} = (SELECT id FROM {name} WHERE slug = ?)"]), [slug]


def count(params: BrowseParams, cap: int | None) -> int:
    """How many releases match ``params`` under ``cap``."""
    driver = _driver(params)
    if driver is None:
        where, args = _conditions(params, cap)
        source, lead, lead_args = '"release" AS r INDEXED BY release_available_filters', [], []
    else:
        where, args = _conditions(params, cap, skip=driver)
        (source, lead), lead_args = _driven_from(driver)
    sql = f"SELECT COUNT(*) FROM {source} WHERE {' AND '.join(lead + where)}"
    return database.execute_sql(sql, lead_args + args).fetchone()[0]


def _order(sort: str, *, hide_index: bool = False) -> str:
    parts = []
    for ordering in SORTS[sort]:
        column = f"r.{ordering.node.column_name}"
        parts.append(f"{'+' if hide_index and column != 'r.id' else ''}{column} {ordering.direction}")
    return ", ".join(parts)


def page_ids(params: BrowseParams, cap: int | None, total: int) -> list[int]:
    """The release ids of the page ``params`` asks for, in sort order."""
    driver = _driver(params)
    offset = (params.page - 1) * params.per_page
    if driver is not None and total <= SORT_FIRST_MAX:
        where, args = _conditions(params, cap, skip=driver)
        (source, lead), lead_args = _driven_from(driver)
        sql = (f"SELECT r.id FROM {source} WHERE {' AND '.join(lead + where)} "
               f"ORDER BY {_order(params.sort, hide_index=True)} LIMIT ? OFFSET ?")
        args = lead_args + args
    else:
        where, args = _conditions(params, cap)
        sql = (f'SELECT r.id FROM "release" AS r INDEXED BY {SORT_INDEXES[params.sort]} '
               f"WHERE {' AND '.join(where)} ORDER BY {_order(params.sort)} LIMIT ? OFFSET ?")
    return [rid for (rid,) in database.execute_sql(sql, args + [params.per_page, offset])]

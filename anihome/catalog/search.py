"""Title search and autocomplete over every title of a release (Russian, original, English,
alternatives), case- and ё-insensitive.

Three characters or more (SQLite): exact titles first (``release_title``), then titles
starting with the query, then any title containing every word; popularity orders each
group. The FTS5 trigram index ``release_title_search`` is keyed by popularity rank, so a
page costs a short walk, not a sort of every match (m0009). One or two characters: the
``release_prefix`` index (title starts, by popularity). PostgreSQL: the same groups and
ranks through ``pg_trgm`` (``search_pg``). Another database: a LIKE scan stands in.
Every query applies the age cap; results stop at MAX_RESULTS.
"""
from __future__ import annotations

from peewee import SQL, fn

from ..db import database, is_postgres, is_sqlite
from ..errors import AppError
from ..models import Release, ReleasePrefix
from ..paging import pages
from .cards import cards_for_ids, release_card
from .queries import visible_releases
from . import search_pg
from .search_index import first_distinct, release_of_rank
from .text import normalize

MAX_QUERY = 100
AUTOCOMPLETE_LIMIT = 8
SUGGESTION_FIELDS = ("id", "title", "title_orig", "title_en", "year", "kind", "poster_url")

MAX_RESULTS = 1000  # search pages through the best 1000 matches at most

# Matches are walked in rowid order of ``release_title_search``, i.e. by popularity (rank
# keys, see search_index.rank_key), joined to "release" for availability and the age cap;
# CROSS JOIN keeps the FTS index as the outer loop, so the walk stops after one page;
# INDEXED BY release_visibility reads availability and age from a narrow index (m0009).
_WALK_SQL = """
SELECT s.rowid, s.text FROM release_title_search AS s
CROSS JOIN "release" AS r INDEXED BY release_visibility ON r.id = ((s.rowid >> 4) & 16777215)
WHERE release_title_search MATCH ? AND r.available = 1 {cap}
ORDER BY s.rowid
"""

_EXACT_SQL = """
SELECT t.release_id FROM release_title AS t CROSS JOIN "release" AS r INDEXED BY release_visibility ON r.id = t.release_id
WHERE t."key" = ? AND r.available = 1 {cap}
ORDER BY t.id
"""

# Titles starting with the query: a range of the release_title "key" index. The rowid is the
# rank key, so the index covers it and the release id is read off it (no table lookup).
_PREFIX_SQL = """
SELECT t.id FROM release_title AS t INDEXED BY release_title_key
CROSS JOIN "release" AS r INDEXED BY release_visibility
ON r.id = ((t.id >> 4) & 16777215)
WHERE t."key" >= ? AND t."key" < ? AND r.available = 1 {cap}
ORDER BY t.id
"""
_PREFIX_COUNT_SQL = 'SELECT COUNT(*) FROM (SELECT 1 FROM release_title WHERE "key" >= ? AND "key" < ? LIMIT ?)'
# Up to this many titles starting with the query are sorted by rank; with more, the walk of
# the FTS index in rank order (``^"query"``) finds a page of them sooner than a sort would.
PREFIX_SORT_MAX = 1000
_PAST_EVERY_CHARACTER = "\U0010ffff"  # after any text that starts with the query (binary order)

# Total matches (up to MAX_RESULTS) from the one-row-per-release index.
_COUNT_SQL = """
SELECT COUNT(*) FROM (SELECT 1 FROM release_search AS s CROSS JOIN "release" AS r INDEXED BY release_visibility ON r.id = s.rowid
WHERE release_search MATCH ? AND r.available = 1 {cap} {extra} LIMIT ?)
"""


def clean_query(raw: str | None) -> str:
    """The normalised query, or AppError naming ``q`` when it is missing or too long."""
    if raw is None or not raw.strip():
        raise AppError("Type something to search for.", field="q")
    if len(raw) > MAX_QUERY:
        raise AppError(f"q must be at most {MAX_QUERY} characters.", field="q")
    query = normalize(raw)
    if not query:
        raise AppError("Type letters or digits to search for.", field="q")
    return query


def _match_expression(words: list[str]) -> str:
    # Each word of three or more characters is a phrase; trigram phrases match substrings.
    return " AND ".join(f'"{word}"' for word in words)


def _cap_sql(cap: int | None) -> tuple[str, list]:
    if cap is None:
        return "", []
    return "AND r.age_limit IS NOT NULL AND r.age_limit <= ?", [cap]


def _walk(match: str, cap: int | None, short_words: list[str]):
    """Release ids matching ``match``, most popular first (one per matching title row)."""
    cap_sql, cap_params = _cap_sql(cap)
    cursor = database.execute_sql(_WALK_SQL.format(cap=cap_sql), [match, *cap_params])
    for rank, text in cursor:
        if all(word in text for word in short_words):
            yield release_of_rank(rank)


def _starting_with(query: str, cap: int | None):
    """Release ids with a title starting with ``query``, most popular first.

    Few such titles (the usual case for a word from the middle of titles, which the FTS walk
    would have to read every match of to rule out): sort the index range. Many: walk the FTS
    index in rank order, which meets them early."""
    upper = query + _PAST_EVERY_CHARACTER
    titles = database.execute_sql(_PREFIX_COUNT_SQL, [query, upper, PREFIX_SORT_MAX + 1]).fetchone()[0]
    if titles > PREFIX_SORT_MAX:
        yield from _walk(f'^"{query}"', cap, [])
        return
    cap_sql, cap_params = _cap_sql(cap)
    for (rank,) in database.execute_sql(_PREFIX_SQL.format(cap=cap_sql), [query, upper, *cap_params]):
        yield release_of_rank(rank)


def _ranked_ids(query: str, cap: int | None, need: int) -> list[int]:
    """Up to ``need`` release ids: exact titles, then titles starting with the query, then the
    rest; popularity orders each group. Stops as soon as it has enough."""
    words = query.split()
    long_words = [w for w in words if len(w) >= 3]
    short_words = [w for w in words if len(w) < 3]
    cap_sql, cap_params = _cap_sql(cap)
    exact = [rid for (rid,) in database.execute_sql(_EXACT_SQL.format(cap=cap_sql), [query, *cap_params])]
    groups = [iter(exact), _starting_with(query, cap), _walk(_match_expression(long_words), cap, short_words)]
    return first_distinct(groups, need)


def _ranked(query: str, cap: int | None, limit: int, offset: int) -> list[dict]:
    need = min(offset + limit, MAX_RESULTS)
    ranked = search_pg.ranked_ids if is_postgres() else _ranked_ids
    return cards_for_ids(ranked(query, cap, need)[offset:need])


def _by_prefix(query: str, cap: int | None, limit: int, offset: int) -> list[dict]:
    prefix = query[:2]
    rows = (visible_releases(cap)
            .join(ReleasePrefix, on=(ReleasePrefix.release == Release.id))
            .where(ReleasePrefix.prefix == prefix)
            .order_by(ReleasePrefix.popularity.desc(), Release.id)
            .limit(limit).offset(offset).dicts())
    return list(rows)


def _like_query(query: str, cap: int | None):
    return (visible_releases(cap)
            .where(Release.sort_title.contains(query) | Release.title.contains(query)
                   | Release.title_orig.contains(query) | Release.title_en.contains(query)
                   | Release.other_titles.contains(query)))


def _by_like(query: str, cap: int | None, limit: int, offset: int) -> list[dict]:
    rows = (_like_query(query, cap).order_by(Release.popularity.desc(), Release.id)
            .limit(limit).offset(offset).dicts())
    return list(rows)


def count(query: str, cap: int | None) -> int:
    """How many releases ``find`` can return in all (at most MAX_RESULTS)."""
    if _is_short(query):
        inner = (visible_releases(cap, Release.id)
                 .join(ReleasePrefix, on=(ReleasePrefix.release == Release.id))
                 .where(ReleasePrefix.prefix == query[:2]).limit(MAX_RESULTS))
        return Release.select(fn.COUNT(SQL("1"))).from_(inner.alias("m")).scalar()
    if is_sqlite():
        words = query.split()
        cap_sql, params = _cap_sql(cap)
        extra = "".join(" AND instr(s.text, ?) > 0" for w in words if len(w) < 3)
        params = [_match_expression([w for w in words if len(w) >= 3]), *params,
                  *[w for w in words if len(w) < 3], MAX_RESULTS]
        return database.execute_sql(_COUNT_SQL.format(cap=cap_sql, extra=extra), params).fetchone()[0]
    if is_postgres():
        return search_pg.count(query, cap, MAX_RESULTS)
    return min(_like_query(query, cap).count(), MAX_RESULTS)


def _is_short(query: str) -> bool:
    return len(query) <= 2 or not any(len(w) >= 3 for w in query.split())


def find(query: str, cap: int | None, limit: int, offset: int = 0) -> list[dict]:
    """Release cards for a normalised ``query``, best first."""
    limit = max(0, min(limit, MAX_RESULTS - offset))
    if _is_short(query):
        return [release_card(row) for row in _by_prefix(query, cap, limit, offset)]
    if is_sqlite() or is_postgres():
        return _ranked(query, cap, limit, offset)
    return [release_card(row) for row in _by_like(query, cap, limit, offset)]


def search(raw: str | None, cap: int | None, page: int = 1, per_page: int = 24) -> dict:
    """A page of search results in the API's pagination shape (items, page, per_page, total, pages)."""
    query = clean_query(raw)
    total = count(query, cap)
    items = find(query, cap, per_page, (page - 1) * per_page) if total > (page - 1) * per_page else []
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": pages(total, per_page)}


def autocomplete(raw: str | None, cap: int | None) -> list[dict]:
    """At most eight suggestions for the search box."""
    query = clean_query(raw)
    return [{name: card[name] for name in SUGGESTION_FIELDS}
            for card in find(query, cap, AUTOCOMPLETE_LIMIT)]

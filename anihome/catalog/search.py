"""Title search and autocomplete over every title of a release (Russian, original, English,
alternatives), case- and ё-insensitive.

Three characters or more: the FTS5 trigram index ``release_search`` finds substrings; the
ranking puts an exact title first, then titles starting with the query, then titles with a
word starting with it, then any substring; popularity breaks ties. One or two characters:
the ``release_prefix`` index (title starts, ordered by popularity). Without FTS5 (another
database) a LIKE scan over the titles stands in. Every query applies the age cap.
"""
from __future__ import annotations

from ..db import database, is_sqlite
from ..errors import AppError
from ..models import Release, ReleasePrefix
from .cards import CARD_FIELDS, release_card
from .queries import visible_releases
from .text import normalize

MAX_QUERY = 100
AUTOCOMPLETE_LIMIT = 8
SUGGESTION_FIELDS = ("id", "title", "title_orig", "title_en", "year", "kind", "poster_url")

# CROSS JOIN keeps SQLite from driving the join from "release" and probing the FTS index once
# per release (150 ms instead of 1.5 ms for a count on a 6k-release catalog).

_COUNT_SQL = """
SELECT COUNT(*) FROM (SELECT ?1 AS q FROM release_search AS s CROSS JOIN "release" AS r ON r.id = s.rowid
WHERE release_search MATCH ?2 AND r.available = 1 {cap} {extra} LIMIT ?3 OFFSET ?4)
"""

_RANKED_SQL = """
SELECT {fields},
  CASE WHEN instr('| ' || s.text || ' |', '| ' || ?1 || ' |') > 0 THEN 0
       WHEN instr('| ' || s.text, '| ' || ?1) > 0 THEN 1
       WHEN instr(' ' || s.text, ' ' || ?1) > 0 THEN 2
       ELSE 3 END AS tier
FROM release_search AS s CROSS JOIN "release" AS r ON r.id = s.rowid
WHERE release_search MATCH ?2 AND r.available = 1 {cap} {extra}
ORDER BY tier, r.popularity DESC, r.id
LIMIT ?3 OFFSET ?4
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


def _ranked_sql(query: str, cap: int | None, limit: int, offset: int, template: str):
    words = query.split()
    long_words = [w for w in words if len(w) >= 3]
    short_words = [w for w in words if len(w) < 3]
    fields = ", ".join(f'r."{f.column_name}"' for f in CARD_FIELDS)
    cap_sql, params = "", [query, _match_expression(long_words), limit, offset]
    if cap is not None:
        cap_sql = "AND r.age_limit IS NOT NULL AND r.age_limit <= ?5"
        params.append(cap)
    extra = ""
    for word in short_words:  # short words filter the candidates the long words found
        params.append(word)
        extra += f" AND instr(s.text, ?{len(params)}) > 0"
    return template.format(fields=fields, cap=cap_sql, extra=extra), params


def _ranked(query: str, cap: int | None, limit: int, offset: int) -> list[dict]:
    sql, params = _ranked_sql(query, cap, limit, offset, _RANKED_SQL)
    cursor = database.execute_sql(sql, params)
    names = [f.name for f in CARD_FIELDS]
    return [dict(zip(names, row[:len(names)])) for row in cursor.fetchall()]


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
    """How many releases ``find`` would return in all."""
    if len(query) <= 2 or not any(len(w) >= 3 for w in query.split()):
        return (visible_releases(cap, Release.id)
                .join(ReleasePrefix, on=(ReleasePrefix.release == Release.id))
                .where(ReleasePrefix.prefix == query[:2]).count())
    if is_sqlite():
        sql, params = _ranked_sql(query, cap, -1, 0, _COUNT_SQL)
        return database.execute_sql(sql, params).fetchone()[0]
    return _like_query(query, cap).count()


def find(query: str, cap: int | None, limit: int, offset: int = 0) -> list[dict]:
    """Release cards for a normalised ``query``, best first."""
    if len(query) <= 2 or not any(len(w) >= 3 for w in query.split()):
        rows = _by_prefix(query, cap, limit, offset)
    elif is_sqlite():
        rows = _ranked(query, cap, limit, offset)
    else:
        rows = _by_like(query, cap, limit, offset)
    return [release_card(row) for row in rows]


def search(raw: str | None, cap: int | None, page: int = 1, per_page: int = 24) -> dict:
    """A page of search results in the API's pagination shape (items, page, per_page, total, pages)."""
    query = clean_query(raw)
    total = count(query, cap)
    items = find(query, cap, per_page, (page - 1) * per_page) if total > (page - 1) * per_page else []
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": -(-total // per_page)}


def autocomplete(raw: str | None, cap: int | None) -> list[dict]:
    """At most eight suggestions for the search box."""
    query = clean_query(raw)
    return [{name: card[name] for name in SUGGESTION_FIELDS}
            for card in find(query, cap, AUTOCOMPLETE_LIMIT)]

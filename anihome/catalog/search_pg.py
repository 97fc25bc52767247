"""Title search on PostgreSQL: ``pg_trgm`` GIN indexes over the same normalised titles as SQLite's FTS5.

Tables (PostgreSQL only, made by ``ensure_schema`` at start-up rather than by a numbered
migration, which SQLite would record too): ``release_title`` holds one row per normalised title of a
release under the same rank key as on SQLite (``search_index.rank_key``: smaller = more
popular, then lower id), with a ``text_pattern_ops`` B-tree for exact and prefix lookups and
a GIN trigram index for substrings; ``release_search`` holds one row per release with every
title joined (the count, as SQLite's ``release_search``), GIN trigram indexed too.

Ranking is SQLite's: exact titles first, then titles starting with the query, then titles
containing every word (per title, as the FTS walk); within a group the release's best
(smallest) matching rank key orders it. Each group is asked for at most ``need`` releases.
``search`` decides when to come here; ``search_index.reindex_releases`` keeps the tables.

Browse on PostgreSQL sorts descending with ``NULLS LAST`` (SQLite's order), so
``ensure_schema`` also adds ``(available, <column> DESC NULLS LAST, id DESC)`` indexes that
let a sorted page stop early. ``pg_trgm`` is a trusted extension (PostgreSQL 13+): the
database's owner may create it.
"""
from __future__ import annotations

import json

from ..db import database
from .search_index import _title_rows, first_distinct, release_search_text

def like_escape(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern (backslash is PostgreSQL's default escape)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _cap_sql(cap: int | None) -> tuple[str, list]:
    if cap is None:
        return "", []
    return "AND r.age_limit IS NOT NULL AND r.age_limit <= %s", [cap]


def _words_sql(column: str, words: list[str]) -> tuple[str, list]:
    """Every long word as a substring (trigram-indexed LIKE), every short one through strpos."""
    sql, params = [], []
    for word in words:
        if len(word) >= 3:
            sql.append(f"{column} LIKE %s")
            params.append(f"%{like_escape(word)}%")
        else:
            sql.append(f"strpos({column}, %s) > 0")
            params.append(word)
    return " AND ".join(sql), params


def _best_per_release(condition: str, params: list, cap: int | None, need: int) -> list[int]:
    cap_sql, cap_params = _cap_sql(cap)
    sql = ('SELECT t.release_id, MIN(t.id) AS best FROM release_title AS t '
           'JOIN "release" AS r ON r.id = t.release_id '
           f"WHERE {condition} AND r.available {cap_sql} "
           "GROUP BY t.release_id ORDER BY best LIMIT %s")
    return [rid for rid, _best in database.execute_sql(sql, [*params, *cap_params, need])]


def ranked_ids(query: str, cap: int | None, need: int) -> list[int]:
    """Up to ``need`` release ids: exact titles, then titles starting with the query, then titles
    containing every word; the best matching title's rank orders each group."""
    groups = [
        _best_per_release('t."key" = %s', [query], cap, need),
        _best_per_release('t."key" LIKE %s', [like_escape(query) + "%"], cap, need),
        _best_per_release(*_words_sql('t."key"', query.split()), cap, need),
    ]
    return first_distinct(groups, need)


def count(query: str, cap: int | None, limit: int) -> int:
    """Releases whose titles, taken together, contain every word (at most ``limit``)."""
    condition, params = _words_sql("s.text", query.split())
    cap_sql, cap_params = _cap_sql(cap)
    sql = ('SELECT COUNT(*) FROM (SELECT 1 FROM release_search AS s JOIN "release" AS r ON r.id = s.release_id '
           f"WHERE {condition} AND r.available {cap_sql} LIMIT %s) AS m")
    return database.execute_sql(sql, [*params, *cap_params, limit]).fetchone()[0]


BROWSE_SORTS = ("rating", "year", "popularity", "first_seen_at", "kodik_updated_at")

_SCHEMA = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE TABLE release_title (id BIGINT PRIMARY KEY,'
    ' release_id BIGINT NOT NULL REFERENCES "release" (id) ON DELETE CASCADE, "key" TEXT NOT NULL)',
    'CREATE INDEX release_title_key ON release_title ("key" text_pattern_ops)',
    "CREATE INDEX release_title_release ON release_title (release_id)",
    'CREATE INDEX release_title_trgm ON release_title USING gin ("key" gin_trgm_ops)',
    'CREATE TABLE release_search (release_id BIGINT PRIMARY KEY REFERENCES "release" (id) ON DELETE CASCADE,'
    " text TEXT NOT NULL)",
    "CREATE INDEX release_search_trgm ON release_search USING gin (text gin_trgm_ops)",
    *(f'CREATE INDEX release_available_{column}_nulls_last ON "release" (available, {column} DESC NULLS LAST, id DESC)'
      for column in BROWSE_SORTS),
)


def ensure_schema(db) -> bool:
    """Create the search tables and indexes if missing and index every release; True if it did.

    Runs after the migrations on every start (one catalog lookup when all is there)."""
    if db.execute_sql("SELECT to_regclass('release_search')").fetchone()[0] is not None:
        return False
    from .search_index import reindex_releases

    with db.atomic():
        for statement in _SCHEMA:
            db.execute_sql(statement)
        reindex_releases(None)
    return True


def _insert(sql: str, rows: list[tuple]) -> None:
    from psycopg2.extras import execute_values  # one statement per 1000 rows, not one per row

    with database.cursor() as cursor:
        execute_values(cursor, sql, rows, page_size=1000)


def reindex(rows: list[tuple], ids: list[int] | None) -> None:
    """Rewrite ``release_title`` and ``release_search`` for ``rows`` (id, title, title_orig,
    title_en, other_titles JSON, popularity); ``ids`` None means every release."""
    if ids is None:
        database.execute_sql("TRUNCATE release_title, release_search")
    else:
        for start in range(0, len(ids), 1000):
            chunk = ids[start:start + 1000]
            database.execute_sql("DELETE FROM release_title WHERE release_id = ANY(%s)", [chunk])
            database.execute_sql("DELETE FROM release_search WHERE release_id = ANY(%s)", [chunk])
    titles = list(_title_rows(rows))
    if titles:
        _insert('INSERT INTO release_title (id, release_id, "key") VALUES %s', titles)
    texts = [(rid, release_search_text(t, o, e, json.loads(other or "[]")))
             for rid, t, o, e, other, _popularity in rows]
    if texts:
        _insert("INSERT INTO release_search (release_id, text) VALUES %s", texts)

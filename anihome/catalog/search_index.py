"""Keeps the search tables in step with releases: FTS5 on SQLite, pg_trgm on PostgreSQL.

One row per release, rowid = release id, holding the normalised text of every title
(Russian, original, English, alternatives). Callers (the sync, fixtures) call
``reindex_releases`` inside their write transaction after changing releases (titles or
popularity). It also refreshes ``release_prefix`` (first 1 and 2 characters of each
normalised title, with the release's popularity) that serves 1-2 character search on
every database, not only SQLite, and (SQLite) ``release_title`` + ``release_title_search``:
one row per normalised title under a rank key that orders by popularity (m0009). On
PostgreSQL ``search_pg.reindex`` writes the same rows to its trigram-indexed tables (m0023).
"""
from __future__ import annotations

import json
from typing import Iterable

from ..db import database, is_postgres, is_sqlite
from ..models import Release, ReleasePrefix
from .text import normalize


def release_search_text(title: str, title_orig: str, title_en: str, other_titles: Iterable[str]) -> str:
    parts = [title, title_orig, title_en, *other_titles]
    seen, out = set(), []
    for part in parts:
        norm = normalize(part)
        if norm and norm not in seen:
            seen.add(norm)
            out.append(norm)
    return " | ".join(out)


def release_prefixes(title: str, title_orig: str, title_en: str, other_titles: Iterable[str]) -> set[str]:
    """The 1- and 2-character starts of every normalised title of a release."""
    out = set()
    for part in (title, title_orig, title_en, *other_titles):
        norm = normalize(part)
        if norm:
            out.add(norm[:1])
            if len(norm) > 1:
                out.add(norm[:2])
    return out


#: rank keys: (inverted popularity << 28) | (release id << 4) | title variant; ascending = most popular first
RANK_POPULARITY_MAX = (1 << 34) - 1
RELEASE_ID_LIMIT = 1 << 24
MAX_VARIANTS = 16


def rank_key(popularity: float | None, release_id: int, variant: int) -> int:
    """The rowid of one title in ``release_title``: smaller = more popular, then lower id."""
    score = min(max(int((popularity or 0) * 1000), 0), RANK_POPULARITY_MAX)
    return ((RANK_POPULARITY_MAX - score) << 28) | (release_id << 4) | variant


def release_of_rank(key: int) -> int:
    return (key >> 4) & (RELEASE_ID_LIMIT - 1)


def _title_rows(rows):
    for rid, t, o, e, other, popularity in rows:
        if rid >= RELEASE_ID_LIMIT:
            continue
        seen = []
        for part in (t, o, e, *json.loads(other or "[]")):
            norm = normalize(part)
            if norm and norm not in seen:
                seen.append(norm)
        for variant, key in enumerate(seen[:MAX_VARIANTS]):
            yield rank_key(popularity, rid, variant), rid, key


def _reindex_titles(rows, ids) -> None:
    if ids is None:
        database.execute_sql("DELETE FROM release_title")
        database.execute_sql("DELETE FROM release_title_search")
    else:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            database.execute_sql("DELETE FROM release_title_search WHERE rowid IN "
                                 f"(SELECT id FROM release_title WHERE release_id IN ({marks}))", chunk)
            database.execute_sql(f"DELETE FROM release_title WHERE release_id IN ({marks})", chunk)
    payload = list(_title_rows(rows))
    if payload:
        cursor = database.cursor()
        cursor.executemany('INSERT INTO release_title (id, release_id, "key") VALUES (?, ?, ?)', payload)
        cursor.executemany("INSERT INTO release_title_search (rowid, text) VALUES (?, ?)",
                           [(key, text) for key, _rid, text in payload])


def _reindex_prefixes(rows, ids) -> None:
    if ids is None:
        ReleasePrefix.delete().execute()
    else:
        for start in range(0, len(ids), 500):
            ReleasePrefix.delete().where(ReleasePrefix.release.in_(ids[start:start + 500])).execute()
    payload = [(prefix, rid, popularity or 0)
               for rid, t, o, e, other, popularity in rows
               for prefix in release_prefixes(t, o, e, json.loads(other or "[]"))]
    if payload:  # executemany: building one peewee insert per 500 rows dominated sync time
        param = getattr(database.obj, "param", "?")
        database.cursor().executemany(
            f"INSERT INTO release_prefix (prefix, release_id, popularity) VALUES ({param}, {param}, {param})",
            payload)


def reindex_releases(release_ids: Iterable[int] | None = None) -> int:
    """Rebuild index rows for ``release_ids`` (all releases when None); returns rows written."""
    query = Release.select(Release.id, Release.title, Release.title_orig, Release.title_en,
                           Release.other_titles, Release.popularity)
    if release_ids is not None:
        ids = list(release_ids)
        if not ids:
            return 0
        rows = []
        for start in range(0, len(ids), 500):
            rows.extend(query.where(Release.id.in_(ids[start:start + 500])).tuples())
    else:
        ids = None
        rows = list(query.tuples())
    _reindex_prefixes(rows, ids)
    if is_postgres():
        from . import search_pg

        search_pg.reindex(rows, ids)
        return len(rows)
    if not is_sqlite():
        return len(rows)
    _reindex_titles(rows, ids)
    if ids is None:
        database.execute_sql("DELETE FROM release_search")
    else:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            database.execute_sql(f"DELETE FROM release_search WHERE rowid IN ({marks})", chunk)
    payload = [(rid, release_search_text(t, o, e, json.loads(other or "[]")))
               for rid, t, o, e, other, _popularity in rows]
    if payload:
        database.cursor().executemany("INSERT INTO release_search (rowid, text) VALUES (?, ?)", payload)
    return len(payload)

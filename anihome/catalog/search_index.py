"""Keeps the FTS5 ``release_search`` table in step with releases (SQLite only).

One row per release, rowid = release id, holding the normalised text of every title
(Russian, original, English, alternatives). Callers (the sync, fixtures) call
``reindex_releases`` inside their write transaction after changing releases.
"""
from __future__ import annotations

import json
from typing import Iterable

from ..db import database, is_sqlite
from ..models import Release
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


def reindex_releases(release_ids: Iterable[int] | None = None) -> int:
    """Rebuild index rows for ``release_ids`` (all releases when None); returns rows written."""
    if not is_sqlite():
        return 0
    query = Release.select(Release.id, Release.title, Release.title_orig, Release.title_en,
                           Release.other_titles)
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
    if ids is None:
        database.execute_sql("DELETE FROM release_search")
    else:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            database.execute_sql(f"DELETE FROM release_search WHERE rowid IN ({marks})", chunk)
    payload = [(rid, release_search_text(t, o, e, json.loads(other or "[]")))
               for rid, t, o, e, other in rows]
    if payload:
        database.cursor().executemany("INSERT INTO release_search (rowid, text) VALUES (?, ?)", payload)
    return len(payload)

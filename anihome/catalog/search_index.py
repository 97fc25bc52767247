"""Keeps the FTS5 ``release_search`` table in step with releases (SQLite only).

One row per release, rowid = release id, holding the normalised text of every title
(Russian, original, English, alternatives). Callers (the sync, fixtures) call
``reindex_releases`` inside their write transaction after changing releases (titles or
popularity); the sync calls ``index_releases`` with the rows it has in hand (no re-read,
no deletes for releases it has just inserted). It also refreshes ``release_prefix`` (first 1 and 2 characters of each
normalised title, with the release's popularity) that serves 1-2 character search on
every database, not only SQLite, and (SQLite) ``release_title`` + ``release_title_search``:
one row per normalised title under a rank key that orders by popularity (m0009). On
PostgreSQL ``search_pg.reindex`` writes the same rows to its trigram-indexed tables (``search_pg.ensure_schema``).
"""
from __future__ import annotations

import json
import logging
from typing import Iterable

from ..db import database, executemany, is_postgres, is_sqlite, write_transaction
from .text import normalize

log = logging.getLogger(__name__)


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
    """(rank key, release id, normalised title) of rows (id, title, title_orig, title_en,
    other_titles JSON, popularity); PostgreSQL's index (``search_pg``) writes these too."""
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


def _variants(rows, norm=normalize):
    """(release id, popularity, [distinct normalised titles in order]) per row.

    ``rows`` hold (id, title, title_orig, title_en, other titles as a list, popularity);
    every title is normalised once, and the three index tables are built from that."""
    for rid, t, o, e, others, popularity in rows:
        seen: list[str] = []
        for part in (t, o, e, *others):
            norm_part = norm(part)
            if norm_part and norm_part not in seen:
                seen.append(norm_part)
        yield rid, popularity, seen


def _delete_in(sql_head: str, ids: list[int]) -> None:
    """Run ``sql_head (...)`` with ``ids`` as the IN list, 500 at a time."""
    param = getattr(database.obj, "param", "?")
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        database.execute_sql(f"{sql_head} ({','.join([param] * len(chunk))})", chunk)


def index_releases(rows, *, fresh: Iterable[int] = (), everything: bool = False, norm=normalize) -> int:
    """Write the index rows of ``rows`` (id, title, title_orig, title_en, [other titles], popularity).

    Old index rows of those releases are deleted first, except for ids in ``fresh`` (releases
    inserted in this transaction, which have none); ``everything`` empties the tables first.
    Call inside the write transaction that changed the releases. Returns rows indexed."""
    fresh = set(fresh)
    rows = list(rows)
    variants = list(_variants(rows, norm))
    stale = None if everything else [rid for rid, _p, _v in variants if rid not in fresh]
    if stale is None:
        database.execute_sql("DELETE FROM release_prefix")
    elif stale:
        _delete_in("DELETE FROM release_prefix WHERE release_id IN", stale)
    prefixes = [(prefix, rid, popularity or 0) for rid, popularity, seen in variants
                for prefix in {part[:n] for part in seen for n in (1, 2)}]
    if prefixes:  # executemany: building one peewee insert per 500 rows dominated sync time
        executemany("INSERT INTO release_prefix (prefix, release_id, popularity) VALUES (?, ?, ?)", prefixes)
    if is_postgres():
        from . import search_pg

        search_pg.reindex([(rid, t, o, e, json.dumps(list(others), ensure_ascii=False), popularity)
                           for rid, t, o, e, others, popularity in rows],
                          None if everything else [rid for rid, _p, _v in variants])
        return len(variants)
    if not is_sqlite():
        return len(variants)
    if stale is None:
        for table in ("release_title", "release_title_search", "release_search"):
            database.execute_sql(f"DELETE FROM {table}")
    elif stale:
        for start in range(0, len(stale), 500):
            chunk = stale[start:start + 500]
            marks = ",".join("?" * len(chunk))
            database.execute_sql("DELETE FROM release_title_search WHERE rowid IN "
                                 f"(SELECT id FROM release_title WHERE release_id IN ({marks}))", chunk)
            database.execute_sql(f"DELETE FROM release_title WHERE release_id IN ({marks})", chunk)
            database.execute_sql(f"DELETE FROM release_search WHERE rowid IN ({marks})", chunk)
    titles = [(rank_key(popularity, rid, variant), rid, key) for rid, popularity, seen in variants
              if rid < RELEASE_ID_LIMIT for variant, key in enumerate(seen[:MAX_VARIANTS])]
    # In rowid order: FTS5 flushes its pending terms into a new segment whenever a rowid is not
    # above the last one of the transaction (random ranks made a segment per title), and the
    # B-tree inserts of release_title stay local.
    titles.sort()
    cursor = database.cursor()
    if titles:
        cursor.executemany('INSERT INTO release_title (id, release_id, "key") VALUES (?, ?, ?)', titles)
        # OR REPLACE: the FTS tables have no foreign key, so a deleted release can leave a row
        # under a rowid that a new release (SQLite reuses the highest ids) takes again.
        cursor.executemany("INSERT OR REPLACE INTO release_title_search (rowid, text) VALUES (?, ?)",
                           [(key, text) for key, _rid, text in titles])
    if variants:
        cursor.executemany("INSERT OR REPLACE INTO release_search (rowid, text) VALUES (?, ?)",
                           [(rid, " | ".join(seen)) for rid, _p, seen in variants])
    return len(variants)


def reindex_releases(release_ids: Iterable[int] | None = None) -> int:
    """Rebuild index rows for ``release_ids`` (all releases when None); returns rows written."""
    head = ('SELECT id, title, title_orig, title_en, other_titles, popularity FROM "release"')
    if release_ids is not None:
        ids = list(release_ids)
        if not ids:
            return 0
        param = getattr(database.obj, "param", "?")
        rows = []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows.extend(database.execute_sql(f"{head} WHERE id IN ({','.join([param] * len(chunk))})",
                                             chunk).fetchall())
    else:
        rows = database.execute_sql(head).fetchall()
    return index_releases([(rid, t, o, e, json.loads(other or "[]"), popularity)
                           for rid, t, o, e, other, popularity in rows], everything=release_ids is None)


def index_unindexed() -> int:
    """Write the search index of releases that have none; returns how many.

    A full walk indexes the releases it inserts in batches (``CatalogWriter.index_batch``), so
    a run killed between a chunk's commit and its batch's leaves some unindexed: the next run
    calls this first. (A release whose every title normalises to nothing has no prefix rows
    and is rewritten each time: harmless.)"""
    rows = database.execute_sql(
        'SELECT r.id, r.title, r.title_orig, r.title_en, r.other_titles, r.popularity FROM "release" r '
        'WHERE NOT EXISTS (SELECT 1 FROM release_prefix p WHERE p.release_id = r.id) ORDER BY r.id').fetchall()
    if rows:
        with write_transaction():
            index_releases([(rid, t, o, e, json.loads(other or "[]"), popularity)
                            for rid, t, o, e, other, popularity in rows])
        log.info("search index: indexed releases left unindexed count=%d", len(rows))
    return len(rows)


def first_distinct(groups, need: int) -> list[int]:
    """The first ``need`` distinct release ids of ``groups`` (iterables of ids, best group first),
    taking from a later group only when the earlier ones ran out."""
    ids, seen = [], set()
    for group in groups:
        for rid in group:
            if rid not in seen:
                seen.add(rid)
                ids.append(rid)
                if len(ids) >= need:
                    return ids
    return ids

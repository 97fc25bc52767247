"""Write a chunk of Kodik items into the catalog in one short write transaction.

``CatalogWriter.write(items, before_commit=...)`` (or several ``add(items)`` inside one
``transaction()``) upserts releases, translations and
episodes with a handful of set-based statements per chunk (no per-row ORM objects),
keeps genres/studios and the search index in step, keeps each release's availability
and Kodik time in step with its translations, and runs ``before_commit`` (the sync
stores its cursor there) inside the same transaction, so a crash never separates data
from the cursor that says it was written. Signals are sent after the commit, except
``catalog_written`` (new episodes and airing-status changes), sent just before it so that
notifications are written in the same transaction as the episodes they announce.

A chunk's translations are all available, so a release it touches becomes available and
its Kodik time rises to theirs with one small UPDATE (only for releases where that
changes anything); only a release that lost a translation to another release, or whose
translations were retired (``recompute_releases``), is recomputed from all of them.

Metadata precedence: a release takes its metadata from the newest item that carries
material_data (``release.meta_updated_at`` remembers that item's updated_at); an item
without material_data fills a release only while no item with material_data has.
"""
from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from .. import events
from ..catalog.search_index import index_releases
from ..catalog.text import normalize
from ..clock import utcnow
from ..db import database, executemany, is_sqlite, marks, portable_sql, select_in, write_transaction
from . import mapping

log = logging.getLogger(__name__)

RELEASE_COLUMNS = (
    "key", "shikimori_id", "kinopoisk_id", "imdb_id", "title", "title_orig", "title_en", "other_titles",
    "sort_title", "franchise", "kind", "status", "year", "description", "poster_url", "duration",
    "episodes_total", "episodes_aired", "rating", "votes", "shikimori_rating", "shikimori_votes",
    "kinopoisk_rating", "kinopoisk_votes", "imdb_rating", "imdb_votes", "rating_mpaa", "minimal_age",
    "age_limit", "aired_on", "released_on", "next_episode_at", "popularity",
)
TRANSLATION_COLUMNS = (
    "kodik_id", "kodik_type", "team_id", "team", "voice", "quality", "link", "last_season", "last_episode",
    "episodes_count", "blocked_seasons", "blocked_countries", "camrip", "kodik_created_at", "kodik_updated_at",
)
_IN_BATCH = 500


@dataclass
class ChunkResult:
    """What one chunk changed."""

    items: int = 0
    releases_new: int = 0
    releases_updated: int = 0
    translations_new: int = 0
    translations_updated: int = 0
    episodes_new: int = 0
    release_ids: set[int] = field(default_factory=set)
    #: releases that lost a translation to another release (recomputed from their translations).
    moved_from: set[int] = field(default_factory=set)
    #: (release_id, translation_id, season, episode) of episodes new to an existing translation.
    new_episodes: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: (release_id, old status, new status) of existing releases whose airing status changed.
    status_changes: list[tuple[int, str, str]] = field(default_factory=list)
    newest_updated_at: str | None = None


def _slug(name: str) -> str:
    return normalize(name).replace(" ", "-")[:60] or "-"


class CatalogWriter:
    """Upserts chunks of items; keeps the genre/studio id caches for one sync run."""

    def __init__(self, announce: bool = True):
        self.announce = announce
        #: One id per sync run: receivers of ``catalog_written`` group a run's chunks by it.
        self.sync_id = uuid.uuid4().hex[:12]
        self._tags: dict[str, dict[str, int]] = {}
        self._dumps: Callable[[dict], str] | None | bool = False  # False: not probed yet
        self._pending: list[ChunkResult] | None = None  # results of the open transaction()
        #: Releases inserted by this writer collect here (id -> index row) until ``index_batch``
        #: of them are written to the search index together (0: with their own chunk).
        self.index_batch = 0
        self._unindexed: dict[int, tuple] = {}

    # --- public ---------------------------------------------------------------------------
    def write(self, items: Iterable[dict], before_commit: Callable[[ChunkResult], None] | None = None,
              ) -> ChunkResult:
        """Upsert ``items`` in one write transaction, then send the catalog signals."""
        with self.transaction():
            result = self.add(items)
            if before_commit is not None:
                before_commit(result)
        return result

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction for one or more ``add`` calls; their signals go after its commit.

        A full walk writes a few chunks per transaction while pages are waiting: each commit
        writes every page it dirtied (index pages over and over), so fewer commits cost less."""
        if self._pending is not None:
            raise RuntimeError("a CatalogWriter transaction is already open")
        self._pending = []
        unindexed = dict(self._unindexed)
        try:
            with write_transaction():
                yield
            done = self._pending
        except BaseException:
            self._unindexed = unindexed  # rolled back: what was indexed in it is owed again
            raise
        finally:
            self._pending = None
        for result in done:
            self._send(result)

    def add(self, items: Iterable[dict]) -> ChunkResult:
        """Upsert ``items`` inside the open ``transaction()``; signals wait for its commit."""
        if self._pending is None:
            raise RuntimeError("CatalogWriter.add needs an open transaction()")
        unique: dict[str, dict] = {}
        for item in items:
            unique.setdefault(item["id"], item)
        result = ChunkResult(items=len(unique))
        if unique:
            self._write(list(unique.values()), result)
            if self.announce and (result.new_episodes or result.status_changes):
                events.catalog_written.send(None, sync_id=self.sync_id, new_episodes=result.new_episodes,
                                            status_changes=result.status_changes)
        self._pending.append(result)
        return result

    def flush_index(self) -> int:
        """Write the search index of the releases still owed one (in the open transaction, else
        in one of its own); returns how many."""
        if not self._unindexed:
            return 0
        if self._pending is None:
            with self.transaction():
                return self.flush_index()
        rows = [self._unindexed[rid] for rid in sorted(self._unindexed)]
        self._unindexed = {}
        return index_releases(rows, fresh=[row[0] for row in rows])

    # --- steps ----------------------------------------------------------------------------
    def _write(self, items: list[dict], result: ChunkResult) -> None:
        now = str(utcnow())
        memo: dict[str, str] = {}

        def norm(text: str | None) -> str:  # each title is normalised once per chunk (release row + index)
            if text in memo:
                return memo[text]
            memo[text] = value = normalize(text)
            return value

        for item in items:
            updated = mapping.kodik_time(item.get("updated_at"))
            if updated and (result.newest_updated_at is None or updated > result.newest_updated_at):
                result.newest_updated_at = updated
        release_of_key, meta_changed, fresh = self._releases(items, now, result, norm)
        translation_ids, existing_ids = self._translations(items, release_of_key, now, result)
        self._episodes(items, translation_ids, existing_ids, release_of_key, result)
        if meta_changed:
            self._links(meta_changed, "genre", mapping.genre_names, fresh)
            self._links(meta_changed, "studio", mapping.studio_names, fresh)
        self._recompute(sorted(result.moved_from))
        if meta_changed:
            rows = [(rid, row["title"], row["title_orig"], row["title_en"], row["other_title_list"],
                     row["popularity"]) for rid, (_item, row) in sorted(meta_changed.items())]
            if self.index_batch:  # new releases wait for a batch: fewer, larger, ordered index writes
                now_rows = []
                for row in rows:
                    if row[0] in fresh:
                        self._unindexed[row[0]] = row
                    else:
                        self._unindexed.pop(row[0], None)  # indexed below with its new titles
                        now_rows.append(row)
                rows = now_rows
            if rows:
                index_releases(rows, fresh=fresh, norm=norm)
            if len(self._unindexed) >= max(self.index_batch, 1):
                self.flush_index()

    def _releases(self, items, now, result, norm):
        """Insert new releases and refresh metadata.

        Returns ({key: id}, {id: (item, release row)} of metadata written, ids inserted)."""
        best: dict[str, tuple] = {}
        newest: dict[str, str] = {}
        for item in items:
            key = mapping.release_key(item)
            updated_at = item.get("updated_at") or ""
            rank = (mapping.has_metadata(item), updated_at, item["id"])
            if key not in best or rank > best[key][0]:
                best[key] = (rank, item)
            if updated_at > newest.get(key, ""):
                newest[key] = updated_at
        keys = list(best)
        existing = {row[1]: row for row in select_in(
            'SELECT id, "key", meta_updated_at, available, kodik_updated_at, status FROM "release" WHERE "key"',
            keys)}
        inserts, updates, revived, meta_items, new_rows = [], [], [], {}, {}
        for key, (_, item) in best.items():
            updated = mapping.kodik_time(item.get("updated_at"))
            meta_at = updated if mapping.has_metadata(item) else None
            latest = mapping.kodik_time(newest[key]) or updated
            if key not in existing:
                row = new_rows[key] = mapping.release_row(item, norm)
                inserts.append((*[row[c] for c in RELEASE_COLUMNS], meta_at, True, now, latest, now))
                continue
            rid, _, have, available, kodik_at, old_status = existing[key]
            if meta_at is not None and (have is None or meta_at > str(have)) or meta_at is None and have is None:
                row = mapping.release_row(item, norm)
                updates.append((*[row[c] for c in RELEASE_COLUMNS[1:]], meta_at, now, rid))
                meta_items[rid] = (item, row)
                if old_status and row["status"] and row["status"] != old_status:
                    result.status_changes.append((rid, old_status, row["status"]))
            # The chunk's translations are all available: the release is too, and its Kodik time
            # is the newest of theirs (no need to recompute it from every translation).
            if not available or latest > str(kodik_at):
                revived.append((max(latest, str(kodik_at)), rid))
        cols = ", ".join(f'"{c}"' for c in RELEASE_COLUMNS)
        executemany(f'INSERT INTO "release" ({cols}, meta_updated_at, available, first_seen_at, '
                     f'kodik_updated_at, updated_at) VALUES ({marks(len(RELEASE_COLUMNS) + 5)})', inserts)
        sets = ", ".join(f'"{c}" = ?' for c in RELEASE_COLUMNS[1:])
        executemany(f'UPDATE "release" SET {sets}, meta_updated_at = ?, updated_at = ? WHERE id = ?', updates)
        executemany('UPDATE "release" SET available = TRUE, kodik_updated_at = ? WHERE id = ?', revived)
        release_of_key = {key: row[0] for key, row in existing.items()}
        fresh = set()
        if inserts:
            for rid, key in select_in('SELECT id, "key" FROM "release" WHERE "key"', list(new_rows)):
                release_of_key[key] = rid
                meta_items[rid] = (best[key][1], new_rows[key])
                fresh.add(rid)
        result.releases_new += len(inserts)
        result.releases_updated += len(updates)
        result.release_ids.update(release_of_key.values())
        return release_of_key, meta_items, fresh

    def _translations(self, items, release_of_key, now, result):
        """Insert or refresh one translation per item; return ({kodik id: id}, ids that existed)."""
        ids = [item["id"] for item in items]
        existing = {kid: (tid, rel) for tid, kid, rel in select_in(
            'SELECT id, kodik_id, release_id FROM "translation" WHERE kodik_id', ids)}
        inserts, updates = [], []
        for item in items:
            row = mapping.translation_row(item)
            release_id = release_of_key[mapping.release_key(item)]
            values = [row[c] for c in TRANSLATION_COLUMNS]
            if item["id"] in existing:
                tid, old_release = existing[item["id"]]
                if old_release != release_id:
                    result.release_ids.add(old_release)
                    result.moved_from.add(old_release)
                updates.append((*values[1:], release_id, now, tid))
            else:
                inserts.append((*values, release_id, True, now))
        cols = ", ".join(f'"{c}"' for c in TRANSLATION_COLUMNS)
        executemany(f'INSERT INTO "translation" ({cols}, release_id, available, synced_at) '
                     f'VALUES ({marks(len(TRANSLATION_COLUMNS) + 3)})', inserts)
        sets = ", ".join(f'"{c}" = ?' for c in TRANSLATION_COLUMNS[1:])
        executemany(f'UPDATE "translation" SET {sets}, release_id = ?, available = TRUE, synced_at = ? '
                     f'WHERE id = ?', updates)
        translation_ids = {kid: tid for kid, (tid, _) in existing.items()}
        if inserts:
            for tid, kid in select_in('SELECT id, kodik_id FROM "translation" WHERE kodik_id',
                                       [row[0] for row in inserts]):
                translation_ids[kid] = tid
        result.translations_new += len(inserts)
        result.translations_updated += len(updates)
        return translation_ids, {tid for tid, _ in existing.values()}

    def _episodes(self, items, translation_ids, existing_ids, release_of_key, result):
        """Insert new episodes, refresh changed links; note new episodes of existing translations."""
        have: dict[int, dict[tuple[int, int], tuple[str, str]]] = {}
        if existing_ids:
            for tid, season, number, title, link in select_in(
                    'SELECT translation_id, season, number, title, link FROM "episode" WHERE translation_id',
                    sorted(existing_ids)):
                have.setdefault(tid, {})[(season, number)] = (title, link)
        inserts, updates, packed = [], [], []
        dumps = self._season_json()
        for item in items:
            if "seasons" not in item:
                continue
            tid = translation_ids[item["id"]]
            if tid not in existing_ids:  # a new translation: every episode is new, none announced
                if dumps is None:
                    inserts.extend(mapping.episode_rows(item, tid))
                    continue
                seasons, rest = mapping.link_seasons(item)
                packed.extend((tid, season, dumps(links)) for season, links in seasons)
                result.episodes_new += sum(len(links) for _season, links in seasons)
                inserts.extend((tid, *row) for row in rest)
                continue
            rows = mapping.episode_rows(item)
            known = have.get(tid, {})
            announce = tid in existing_ids
            release_id = release_of_key[mapping.release_key(item)]
            for season, number, title, link in rows:
                old = known.get((season, number))
                if old is None:
                    inserts.append((tid, season, number, title, link))
                    if announce:
                        result.new_episodes.append((release_id, tid, season, number))
                elif old != (title, link):
                    updates.append((title, link, tid, season, number))
        executemany('INSERT INTO "episode" (translation_id, season, number, title, link) VALUES (?, ?, ?, ?, ?)',
                     inserts)
        executemany('INSERT INTO "episode" (translation_id, season, number, title, link) '
                     "SELECT ?, ?, CAST(key AS INTEGER), '', value FROM json_each(?)", packed)
        executemany('UPDATE "episode" SET title = ?, link = ? WHERE translation_id = ? AND season = ? '
                     'AND number = ?', updates)
        result.episodes_new += len(inserts)

    def _season_json(self) -> Callable[[dict], str] | None:
        """JSON text of a season's {number: link} for ``json_each``; None where SQLite's JSON
        functions are missing (or on another database): episodes then go row by row."""
        if self._dumps is False:
            self._dumps = None
            if is_sqlite():
                try:
                    database.execute_sql("""SELECT COUNT(*) FROM json_each('{"1": "a"}')""").fetchone()
                except Exception:  # noqa: BLE001 - any failure means: no JSON functions here
                    log.info("kodik sync: SQLite without json_each, episodes are written row by row")
                else:
                    try:
                        from orjson import dumps as fast

                        self._dumps = lambda value: fast(value).decode()  # text: a BLOB would be JSONB
                    except ImportError:
                        self._dumps = lambda value: json.dumps(value, ensure_ascii=False)
        return self._dumps

    def _tag_ids(self, table: str, names: set[str]) -> dict[str, int]:
        """Ids of genres/studios by slug, creating the missing ones (first spelling wins)."""
        cache = self._tags.get(table)
        if cache is None:
            cache = {slug: tid for tid, slug in database.execute_sql(f'SELECT id, slug FROM "{table}"').fetchall()}
            self._tags[table] = cache
        missing = {}
        for name in names:
            slug = _slug(name)
            if slug not in cache and slug not in missing:
                missing[slug] = name[:120]
        if missing:
            executemany(f'INSERT INTO "{table}" (name, slug) VALUES (?, ?)',
                         [(name, slug) for slug, name in missing.items()])
            for tid, slug in select_in(f'SELECT id, slug FROM "{table}" WHERE slug', list(missing)):
                cache[slug] = tid
        return {name: cache[_slug(name)] for name in names}

    def _links(self, meta_items: dict[int, tuple], table: str, names_of, fresh: set[int]) -> None:
        """Replace the genre (or studio) links of releases whose metadata was just written.

        Releases in ``fresh`` were inserted in this transaction: they have no links to delete."""
        names_by_release = {rid: names_of(item) for rid, (item, _row) in meta_items.items()}
        ids = self._tag_ids(table, {n for names in names_by_release.values() for n in names if n.strip()})
        link_table = f"release_{table}"
        rids = sorted(rid for rid in names_by_release if rid not in fresh)
        for start in range(0, len(rids), _IN_BATCH):
            part = rids[start:start + _IN_BATCH]
            database.execute_sql(portable_sql(f'DELETE FROM "{link_table}" WHERE release_id IN ({marks(len(part))})'), part)
        rows = {(rid, ids[name]) for rid, names in names_by_release.items() for name in names if name.strip()}
        executemany(f'INSERT INTO "{link_table}" (release_id, {table}_id) VALUES (?, ?)', sorted(rows))

    def _recompute(self, release_ids: list[int]) -> None:
        """A release is available while one of its translations is; its Kodik time is theirs."""
        for start in range(0, len(release_ids), _IN_BATCH):
            part = release_ids[start:start + _IN_BATCH]
            database.execute_sql(portable_sql(
                'UPDATE "release" SET available = EXISTS (SELECT 1 FROM "translation" t '
                'WHERE t.release_id = "release".id AND t.available), '
                'kodik_updated_at = COALESCE((SELECT MAX(t.kodik_updated_at) FROM "translation" t '
                'WHERE t.release_id = "release".id), kodik_updated_at) '
                f'WHERE id IN ({marks(len(part))})'), part)

    def _send(self, result: ChunkResult) -> None:
        if result.release_ids:
            events.catalog_changed.send(None, release_ids=sorted(result.release_ids))
        if self.announce:
            for release_id, translation_id, season, number in result.new_episodes:
                events.episode_added.send(None, release_id=release_id, translation_id=translation_id,
                                          season=season, episode=number)


def recompute_releases(release_ids: Iterable[int]) -> None:
    """Recompute availability and Kodik time of releases (call inside a write transaction)."""
    CatalogWriter()._recompute(sorted(set(release_ids)))

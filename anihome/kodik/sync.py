"""Full and incremental Kodik sync: walk /list, write chunks, resume, retire what vanished.

* **Full** (weekly): walks ``/list?types=anime,anime-serial&with_material_data=true&
  with_episodes=true&limit=100`` newest first. After every chunk (a few pages) the rows
  and the token-free cursor of the next page commit together (``state.FullSyncState``),
  so a crash or restart resumes at the first page not yet stored. When the walk ends, a
  catch-up walk stores items that changed while it ran (they jump to the front, behind
  the cursor), then translations not seen since the run started are marked unavailable
  (never deleted), and releases left with none follow.
* **Incremental** (every SYNC_INTERVAL_MINUTES): walks from the newest item down to the
  watermark (the newest updated_at already stored); items at the watermark itself are
  re-read, since Kodik gives many items one updated_at. Without a watermark it runs a
  full sync instead.

Episode links come from ``with_episodes=true`` on /list (link strings): one request per
100 items instead of one /search per item, and ~2.5x smaller pages than
``with_episodes_data`` (whose extra screenshots and "N серия" titles we do not use).
Pages are fetched ahead in a helper thread (``walker``) so parsing and HTTP overlap with writing.
"""
from __future__ import annotations

import gc
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

from .. import events
from ..clock import utcnow
from ..db import database, is_sqlite, portable_sql, write_transaction
from . import state
from .client import KodikClient, Page
from .errors import KodikBadResponse, KodikError, KodikTokenRejected, KodikUnavailable
from .mapping import kodik_time
from ..catalog.search_index import index_unindexed
from .upsert import CatalogWriter, ChunkResult, recompute_releases
from .walker import LIST_PARAMS, PREFETCH_PAGES, closing_walk, walk

log = logging.getLogger(__name__)

CHUNK_ITEMS = 300
# Chunks that may share one write transaction when the walker is ahead of the writer.
CHUNKS_PER_COMMIT = 3
# Releases a full walk inserts go to the search index this many at a time (one sorted write
# instead of one per chunk: ~half the index's cost); a killed run's are indexed by the next.
INDEX_BATCH = 500
# WAL pages between automatic checkpoints during a full walk (SQLite's default is 1000):
# fewer checkpoints (and their fsyncs) while hundreds of chunks commit; ~40 MB of WAL at most.
BULK_WAL_PAGES = 10_000
# SQLite's soft heap limit while a full walk runs (when the configured one is lower).
BULK_HEAP_BYTES = 16 * 2**20
# Collector thresholds while a walk runs (restored after): a /list page parses into tens of
# thousands of dicts and lists that live until their chunk is written, and at the default
# (700, 10, 10) the collector traversed them ~40 times a page: ~10% of a full sync's CPU.
WALK_GC_THRESHOLDS = (50_000, 20, 100)
# A full walk that saw fewer than this share of the translations available before it is
# treated as a broken answer: nothing is retired.
RETIRE_GUARD = 0.5


class SyncError(RuntimeError):
    """A sync could not finish; the message says why in words an admin can act on."""


@dataclass
class SyncReport:
    """Counters of one run (they become the JobRun counts)."""

    mode: str
    pages: int = 0
    items: int = 0
    releases_new: int = 0
    translations_new: int = 0
    episodes_new: int = 0
    episodes_announced: int = 0
    retired: int = 0
    resumed: bool = False
    counts: dict = field(default_factory=dict)

    def add(self, result: ChunkResult) -> None:
        self.items += result.items
        self.releases_new += result.releases_new
        self.translations_new += result.translations_new
        self.episodes_new += result.episodes_new
        self.episodes_announced += len(result.new_episodes)

    def as_counts(self) -> dict[str, int]:
        return {"pages": self.pages, "items": self.items, "releases_new": self.releases_new,
                "translations_new": self.translations_new, "episodes_new": self.episodes_new,
                "episodes_announced": self.episodes_announced, "retired": self.retired,
                "resumed": int(self.resumed)}


#: progress(report, done, total): done/total count items across resumes (total may be None).
Progress = Callable[[SyncReport, int, "int | None"], None]


def make_client(settings: Mapping[str, Any], token: str, **overrides) -> KodikClient:
    """A client configured from settings (base URL, rate, timeout)."""
    options = {"timeout": (5, float(settings.get("KODIK_TIMEOUT") or 30)),
               "max_rps": float(settings.get("KODIK_MAX_RPS") or 0)}
    options.update(overrides)
    return KodikClient(settings.get("KODIK_URL") or "https://kodik-api.com", token, **options)


def explain(exc: Exception) -> str:
    """A readable reason for a failed sync, never containing the token."""
    if isinstance(exc, KodikTokenRejected):
        return ("Kodik token rejected: check the token on the admin Kodik page or the KODIK_TOKEN setting"
                + (f" (Kodik said: {exc.kodik_message})" if exc.kodik_message else ""))
    if isinstance(exc, KodikUnavailable):
        return f"Kodik is unreachable or failing, try again later ({exc})"
    if isinstance(exc, KodikBadResponse):
        return f"Kodik sent a broken answer, try again later ({exc})"
    return str(exc)


# --- full sync ------------------------------------------------------------------------------

@contextmanager
def fewer_collections():
    """Run the cyclic garbage collector less often while a walk parses and writes pages."""
    before = gc.get_threshold()
    gc.set_threshold(*WALK_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def bulk_wal():
    """Checkpoint the SQLite WAL less often on this connection while a bulk walk writes, and let
    SQLite's process-wide soft heap limit (SQLITE_SOFT_HEAP_LIMIT_MB) be at least
    BULK_HEAP_BYTES meanwhile: at 4 MB the walk's connection keeps re-reading the index pages
    it is inserting into (5-9% of its CPU). The limit is restored after; the job runner's
    ``ops.memory.release`` then shrinks the connection's cache."""
    if not is_sqlite():
        yield
        return
    database.execute_sql(f"PRAGMA wal_autocheckpoint={BULK_WAL_PAGES}")
    limit = database.execute_sql("PRAGMA soft_heap_limit").fetchone()[0]
    if 0 < limit < BULK_HEAP_BYTES:
        database.execute_sql(f"PRAGMA soft_heap_limit={BULK_HEAP_BYTES}")
    try:
        yield
    finally:
        database.execute_sql("PRAGMA wal_autocheckpoint=1000")
        if 0 < limit < BULK_HEAP_BYTES:
            database.execute_sql(f"PRAGMA soft_heap_limit={limit}")


@contextmanager
def batched_index(writer: CatalogWriter):
    """Let ``writer`` index the releases it inserts in batches while the block runs; what is
    still owed is indexed when it ends (a run killed first leaves it to ``index_unindexed``)."""
    writer.index_batch = INDEX_BATCH
    try:
        yield
    except BaseException:
        writer.index_batch = 0
        try:
            writer.flush_index()
        except Exception:  # noqa: BLE001 - the block's own error matters more; the next run indexes them
            log.exception("kodik sync could not write the search index of new releases")
        raise
    writer.index_batch = 0
    writer.flush_index()


def _next_chunk(pages: Iterator[Page], chunk_items: int, full: state.FullSyncState,
                ) -> tuple[list[dict], Page | None, int, bool, KodikError | None]:
    """Pages from the walk up to ``chunk_items`` items: (items, last page, pages, whether the
    walk ended with them, the KodikError that stopped the walk after them if one did)."""
    items: list[dict] = []
    last: Page | None = None
    count = 0
    try:
        for page in pages:
            if full.top is None and full.next is None and page.number == 1 and page.items:
                full.top = kodik_time(max(item.get("updated_at", "") for item in page.items))
            items.extend(page.items)
            count += 1
            last = page
            if page.is_last:
                return items, last, count, True, None
            if len(items) >= chunk_items:
                return items, last, count, False, None
    except KodikError as exc:  # the pages already fetched are stored before it is raised
        return items, last, count, False, exc
    return items, last, count, True, None


def run_full(client: KodikClient, progress: Progress | None = None, chunk_items: int = CHUNK_ITEMS,
             writer: CatalogWriter | None = None) -> SyncReport:
    """Walk the whole anime catalog (resuming an unfinished walk), then retire what vanished."""
    writer = writer or CatalogWriter()
    report = SyncReport("full")
    full = state.load_full()
    if full is None:
        full = state.FullSyncState(started_at=str(utcnow()))
    else:
        full.resumed += 1
        report.resumed = True
        log.info("kodik sync resuming full sync started_at=%s pages=%d items=%d", full.started_at, full.pages,
                 full.items)

    def store(items: list[dict], last: Page, count: int, ended: bool) -> None:
        result = writer.add(items)
        full.next, full.total, full.walked = None if ended else last.cursor, last.total, ended
        full.pages += count
        full.items += result.items
        state.save_full(full)  # in the same transaction as the rows: a restart resumes after them
        report.add(result)
        report.pages += count

    index_unindexed()
    pages = iter(()) if full.walked else walk(client, full.next)
    ended, failure = full.walked, None
    with bulk_wal(), fewer_collections(), closing_walk(pages), batched_index(writer):
        while not ended and failure is None:
            items, last, count, ended, failure = _next_chunk(pages, chunk_items, full)
            if not count:
                break
            # Pages are awaited outside the transaction; the chunks after the first share it only
            # while the walker already holds their pages (the writer is the bottleneck), so a slow
            # Kodik never keeps the write lock, and each commit writes the pages it dirtied once.
            with writer.transaction():
                store(items, last, count, ended)
                grouped = 1
                while not ended and failure is None and grouped < CHUNKS_PER_COMMIT \
                        and last.ahead >= min(count, PREFETCH_PAGES):
                    items, last, count, ended, failure = _next_chunk(pages, chunk_items, full)
                    if count:
                        store(items, last, count, ended)
                        grouped += 1
            if progress:
                progress(report, full.items, full.total)
    if failure is not None:
        raise failure

    newest = full.top
    if newest:  # items that changed during the walk moved in front of it: store them too
        caught = _walk_down_to(client, newest, writer, report, progress=None)
        newest = max(newest, caught or newest)
    report.retired = retire_unseen(full.started_at)
    with write_transaction():
        state.advance_watermark(newest)
        state.delete(state.FULL_KEY)
        state.put(state.LAST_FULL_KEY, str(utcnow()))
    log.info("kodik sync full done pages=%d items=%d retired=%d resumed=%s", report.pages, report.items,
             report.retired, report.resumed)
    return report


def retire_unseen(started_at: str, batch: int = 500) -> int:
    """Mark translations not stored since ``started_at`` unavailable; returns how many."""
    rows = database.execute_sql(portable_sql(
        'SELECT id, release_id FROM "translation" WHERE available AND synced_at < ?'), (started_at,)).fetchall()
    if not rows:
        return 0
    seen = database.execute_sql(portable_sql(
        'SELECT COUNT(*) FROM "translation" WHERE synced_at >= ?'), (started_at,)).fetchone()[0]
    if seen < RETIRE_GUARD * (seen + len(rows)):
        log.warning("kodik sync not retiring: walk saw %d translations, %d would vanish", seen, len(rows))
        return 0
    for start in range(0, len(rows), batch):
        part = rows[start:start + batch]
        ids = [tid for tid, _ in part]
        with write_transaction():
            marks = ",".join("?" * len(ids))
            database.execute_sql(portable_sql(f'UPDATE "translation" SET available = FALSE WHERE id IN ({marks})'), ids)
            recompute_releases(rid for _, rid in part)
        events.catalog_changed.send(None, release_ids=sorted({rid for _, rid in part}))
    log.info("kodik sync retired translations=%d", len(rows))
    return len(rows)


# --- incremental sync ------------------------------------------------------------------------

def _walk_down_to(client: KodikClient, watermark: str, writer: CatalogWriter, report: SyncReport,
                  progress: Progress | None, chunk_items: int = CHUNK_ITEMS) -> str | None:
    """Store every item from the newest down to ``watermark``; return the newest updated_at seen."""
    newest: str | None = None
    buffer: list[dict] = []
    for page in walk(client, None, prefetch=0):
        report.pages += 1
        fresh = []
        for item in page.items:
            updated = kodik_time(item.get("updated_at"))
            if updated and updated >= watermark:
                fresh.append(item)
                newest = max(newest or updated, updated)
        buffer.extend(fresh)
        done = len(fresh) < len(page.items) or page.is_last
        if buffer and (len(buffer) >= chunk_items or done):
            report.add(writer.write(buffer))
            buffer = []
            if progress:
                progress(report, report.items, None)
        if done:
            break
    return newest


def run_incremental(client: KodikClient, progress: Progress | None = None,
                    writer: CatalogWriter | None = None) -> SyncReport:
    """Store what changed since the watermark; a first run (no watermark) is a full sync."""
    watermark = state.watermark()
    if watermark is None:
        log.info("kodik sync incremental without a completed full sync: running a full sync")
        return run_full(client, progress=progress, writer=writer)
    writer = writer or CatalogWriter()
    report = SyncReport("incremental")
    index_unindexed()
    with fewer_collections():
        newest = _walk_down_to(client, watermark, writer, report, progress)
    with write_transaction():
        state.advance_watermark(newest)
        state.put(state.LAST_INCREMENTAL_KEY, str(utcnow()))
    log.info("kodik sync incremental done pages=%d items=%d watermark=%s", report.pages, report.items,
             newest or watermark)
    return report


def check_token(settings: Mapping[str, Any], token: str) -> None:
    """Ask Kodik for one item; raise SyncError (naming the token when it is the cause) on failure."""
    with make_client(settings, token) as client:
        try:
            client.list_page(types=LIST_PARAMS["types"], limit=1)
        except KodikError as exc:
            raise SyncError(explain(exc)) from exc


def run_sync(settings: Mapping[str, Any], mode: str, token: str, progress: Progress | None = None,
             client: KodikClient | None = None) -> SyncReport:
    """Run one sync (``full`` or ``incremental``); raise SyncError with a readable reason."""
    if mode not in ("full", "incremental"):
        raise ValueError(f"unknown sync mode {mode!r}")
    if not token:
        raise SyncError("No Kodik token: set it on the admin Kodik page or in the KODIK_TOKEN setting "
                        "(or load the demo catalog).")
    owned = client is None
    client = client or make_client(settings, token)
    try:
        runner = run_full if mode == "full" else run_incremental
        return runner(client, progress=progress)
    except KodikError as exc:
        raise SyncError(explain(exc)) from exc
    finally:
        if owned:
            client.close()

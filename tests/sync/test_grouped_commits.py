"""A full walk writes several chunks per transaction while the walker is ahead of the writer.

The cursor still commits with the rows it follows: a failure inside a group rolls the whole
group back and the next run resumes after the last commit, to the same catalog. When the
walker has no pages waiting (Kodik is the bottleneck), every chunk commits on its own.
New releases reach the search index in batches; what a killed run still owed is indexed by
the next run, and what a rolled-back group indexed is owed again.
"""
from dataclasses import replace

import pytest

from anihome import events
from anihome.catalog.search_index import reindex_releases
from anihome.db import database
from anihome.kodik import state, sync
from anihome.catalog.search_index import index_unindexed
from anihome.kodik.upsert import CatalogWriter
from anihome.models import Translation

from .conftest import catalog_dump

PAGE = 100  # the fake's page size: chunks of 100 items are one page each


class CountingWriter(CatalogWriter):
    """Counts the chunks of every transaction; raises after writing the ``fail_at``-th chunk when asked to."""

    def __init__(self, fail_at: int | None = None):
        super().__init__()
        self.groups: list[int] = []
        self.fail_at = fail_at

    def transaction(self):
        self.groups.append(0)
        return super().transaction()

    def add(self, items):
        self.groups[-1] += 1
        result = super().add(items)
        if sum(self.groups) == self.fail_at:
            raise RuntimeError("disk full")
        return result


def _walker(ahead: int):
    """The real walker, reporting ``ahead`` pages waiting behind every page it hands out."""
    real = sync.walk

    def walk(client, cursor=None, prefetch=sync.PREFETCH_PAGES):
        for page in real(client, cursor, prefetch=0):
            yield replace(page, ahead=ahead)
    return walk


def test_chunks_share_a_transaction_while_the_walker_has_their_pages(db, fake, kodik, monkeypatch):
    monkeypatch.setattr(sync, "walk", _walker(ahead=2))
    writer = CountingWriter()

    report = sync.run_full(kodik, chunk_items=PAGE, writer=writer)

    # 400 items, ~360 of them anime: 4 pages, then the catch-up walk's own small write
    assert writer.groups[:2] == [3, 1]
    assert Translation.select().count() == report.translations_new > 300


def test_every_chunk_commits_alone_when_no_page_is_waiting(db, fake, kodik, monkeypatch):
    monkeypatch.setattr(sync, "walk", _walker(ahead=0))
    writer = CountingWriter()

    sync.run_full(kodik, chunk_items=PAGE, writer=writer)

    assert writer.groups[:4] == [1, 1, 1, 1]


def test_a_failure_inside_a_group_resumes_after_the_last_commit_to_the_same_catalog(db, fake, kodik, monkeypatch):
    monkeypatch.setattr(sync, "walk", _walker(ahead=2))
    changed: list[list[int]] = []

    def note(sender, release_ids):
        changed.append(release_ids)

    events.catalog_changed.connect(note)
    try:
        with pytest.raises(RuntimeError):
            sync.run_full(kodik, chunk_items=PAGE, writer=CountingWriter(fail_at=2))
        assert state.load_full() is None  # the first group (chunks 1-3) never committed
        assert Translation.select().count() == 0 and changed == []

        with pytest.raises(RuntimeError):
            sync.run_full(kodik, chunk_items=PAGE, writer=CountingWriter(fail_at=4))
        assert state.load_full().pages == 3 and Translation.select().count() == 3 * PAGE
        assert index_unindexed() == 0  # the committed group's releases were indexed, no others
        assert _index_is_rebuilt()
        assert len(changed) == 3  # one catalog_changed per committed chunk, after the commit

        report = sync.run_full(kodik, chunk_items=PAGE, writer=CountingWriter())
    finally:
        events.catalog_changed.disconnect(note)
    assert report.resumed
    resumed = catalog_dump()
    database.execute_sql('DELETE FROM "release"')
    reindex_releases(None)
    for key in (state.WATERMARK_KEY, state.FULL_KEY):
        state.delete(key)
    sync.run_full(kodik)
    assert catalog_dump() == resumed


INDEX_TABLES = ("SELECT rowid, text FROM release_search ORDER BY rowid",
                'SELECT id, release_id, "key" FROM release_title ORDER BY id',
                "SELECT prefix, release_id, popularity FROM release_prefix ORDER BY prefix, release_id")


def _index(sqlite: bool) -> list:
    return [database.execute_sql(sql).fetchall() for sql in (INDEX_TABLES if sqlite else INDEX_TABLES[2:])]


def _index_is_rebuilt() -> bool:
    """The search index holds exactly what a rebuild from the stored releases writes."""
    from anihome.db import is_sqlite

    indexed = _index(is_sqlite())
    reindex_releases(None)
    return _index(is_sqlite()) == indexed


def test_releases_a_killed_run_left_unindexed_are_indexed_by_the_next_run(db, fake, kodik, monkeypatch):
    with monkeypatch.context() as patch:  # as if killed before each batch of new releases was indexed
        patch.setattr(CatalogWriter, "flush_index", lambda self: 0)
        sync.run_full(kodik)
    unindexed = database.execute_sql('SELECT COUNT(*) FROM "release" r WHERE NOT EXISTS '
                                     '(SELECT 1 FROM release_prefix p WHERE p.release_id = r.id)').fetchone()[0]
    assert unindexed > 100

    sync.run_incremental(kodik)

    assert _index_is_rebuilt()
    assert index_unindexed() == 0


@pytest.mark.sqlite_only("SQLite's soft heap limit")
def test_a_full_walk_lifts_sqlite_s_soft_heap_limit_while_it_runs_and_restores_it(db, fake, kodik):
    database.execute_sql(f"PRAGMA soft_heap_limit={4 * 2**20}")
    seen: list[int] = []

    def note(sender, release_ids):
        seen.append(database.execute_sql("PRAGMA soft_heap_limit").fetchone()[0])

    events.catalog_changed.connect(note)
    try:
        sync.run_full(kodik)
    finally:
        events.catalog_changed.disconnect(note)
    assert seen and seen[0] == sync.BULK_HEAP_BYTES  # after the first chunk commits, inside the walk
    assert database.execute_sql("PRAGMA soft_heap_limit").fetchone()[0] == 4 * 2**20

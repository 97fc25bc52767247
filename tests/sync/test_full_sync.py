"""Full sync against the fake Kodik: grouping, idempotence, resume, retiring vanished items."""
import json

import pytest

from anihome import events
from anihome.catalog.search_index import reindex_releases
from anihome.db import database, is_sqlite, portable_sql, write_transaction
from anihome.kodik import state, sync
from anihome.kodik.errors import KodikError
from tests.support.kodik import Fault
from anihome.models import Episode, Release, Translation

from .conftest import catalog_dump


def _anime_items(fake):
    from anihome.kodik.fake.generator import generate_items

    return [i for i in generate_items(len(fake.catalog), fake.catalog.seed)
            if i["type"] in ("anime", "anime-serial")]


def test_full_sync_stores_one_release_per_title_and_one_translation_per_item(db, fake, kodik):
    report = sync.run_full(kodik)

    items = _anime_items(fake)
    keys = {("shiki:" + i["shikimori_id"]) if i.get("shikimori_id") else
            ("kp:" + i["kinopoisk_id"]) if i.get("kinopoisk_id") else "kodik:" + i["id"] for i in items}
    assert Translation.select().count() == len(items)
    assert Release.select().count() == len(keys)
    assert Episode.select().count() > len(items)
    assert report.items >= len(items) and report.pages >= len(items) // 100
    indexed = database.execute_sql("SELECT COUNT(*) FROM release_search").fetchone()[0]
    assert indexed == len(keys)
    assert state.load_full() is None
    assert state.watermark() == max(i["updated_at"] for i in items).replace("T", " ").rstrip("Z")


def test_a_second_full_sync_changes_nothing(db, fake, kodik):
    sync.run_full(kodik)
    before = catalog_dump()

    report = sync.run_full(kodik)

    assert catalog_dump() == before
    assert report.releases_new == report.translations_new == report.episodes_new == report.retired == 0


def test_the_search_index_finds_a_synced_title_with_yo_folded(db, fake, kodik):
    sync.run_full(kodik)
    title = Release.select().where(Release.title.contains("ё")).first()
    assert title is not None
    query = title.title.lower().replace("ё", "е")[:6]
    if is_sqlite():  # the FTS5 table; PostgreSQL's trigram-indexed one holds the same text
        hits = database.execute_sql("SELECT rowid FROM release_search WHERE release_search MATCH ?",
                                    (f'"{query}"',)).fetchall()
    else:
        hits = database.execute_sql(portable_sql("SELECT release_id FROM release_search WHERE text LIKE ?"),
                                    (f"%{query}%",)).fetchall()
    assert (title.id,) in hits


def test_items_kodik_no_longer_offers_become_unavailable_but_stay(db, fake, kodik):
    sync.run_full(kodik)
    gone = Translation.select().order_by(Translation.id).first()
    # Pretend Kodik dropped one title: its only translations vanish from the next walks.
    with write_transaction():
        release = Release.create(key="shiki:999999999", title="Исчезнувший", sort_title="исчезнувший",
                                 first_seen_at="2020-01-01 00:00:00", kodik_updated_at="2020-01-01 00:00:00",
                                 updated_at="2020-01-01 00:00:00")
        Translation.create(kodik_id="serial-999999999", release=release, kodik_type="anime-serial", team_id=1,
                           team="X", link="//x", kodik_created_at="2020-01-01 00:00:00",
                           kodik_updated_at="2020-01-01 00:00:00", synced_at="2020-01-01 00:00:00")

    report = sync.run_full(kodik)

    assert report.retired == 1
    vanished = Translation.get(Translation.kodik_id == "serial-999999999")
    assert vanished.available is False
    assert Release.get_by_id(release.id).available is False
    assert Translation.get_by_id(gone.id).available is True


def test_a_failed_walk_resumes_from_a_cursor_that_holds_no_token(db, fake, kodik):
    fake.set_faults(Fault("error_json", message="Внутренняя ошибка", after=2, path="/list"))
    with pytest.raises(KodikError):
        sync.run_full(kodik, chunk_items=100)
    saved = state.get(state.FULL_KEY)
    assert saved and fake.token not in saved and "token" not in saved
    assert state.load_full().pages == 2
    fake.clear_faults()
    fake.reset_requests()

    report = sync.run_full(kodik, chunk_items=100)

    assert report.resumed
    first = fake.requests[0]
    assert first.path == "/list" and "next" in first.params
    interrupted = catalog_dump()
    database.execute_sql('DELETE FROM "release"')
    reindex_releases(None)  # empties every search table
    for key in (state.WATERMARK_KEY, state.FULL_KEY):
        state.delete(key)
    sync.run_full(kodik)
    assert catalog_dump() == interrupted


def test_an_item_that_changes_while_paging_is_stored_and_not_retired(db, fake, kodik):
    sync.run_full(kodik)
    fake.set_faults(Fault("move_item", after=1, path="/list"))

    report = sync.run_full(kodik, chunk_items=100)

    assert fake.moved_ids
    assert report.retired == 0
    moved = Translation.get(Translation.kodik_id == fake.moved_ids[0])
    assert moved.available is True


def test_new_episodes_of_known_translations_are_announced_once(db, fake, kodik):
    sync.run_full(kodik)
    heard, changed = [], []

    def on_episode(sender, **kw):
        heard.append(kw)

    def on_catalog(sender, **kw):
        changed.append(kw["release_ids"])

    events.episode_added.connect(on_episode)
    events.catalog_changed.connect(on_catalog)
    try:
        touched = fake.touch(30)
        sync.run_incremental(kodik)
        sync.run_incremental(kodik)
    finally:
        events.episode_added.disconnect(on_episode)
        events.catalog_changed.disconnect(on_catalog)

    serials = {t.id: t for t in Translation.select().where(Translation.kodik_id.in_(touched),
                                                           Translation.kodik_type == "anime-serial")}
    assert serials and len(heard) == len(serials)
    for kw in heard:
        translation = serials[kw["translation_id"]]
        assert kw["release_id"] == translation.release_id
        assert (kw["season"], kw["episode"]) == (translation.last_season, translation.last_episode)
    assert changed and all(changed)


def test_episode_rows_follow_the_translation_counters(db, fake, kodik):
    sync.run_full(kodik)
    for translation in Translation.select().where(Translation.kodik_type == "anime-serial").limit(30):
        last = (Episode.select().where(Episode.translation == translation, Episode.season == translation.last_season)
                .order_by(Episode.number.desc()).first())
        assert last.number == translation.last_episode
    assert json.loads(Release.select().first().other_titles) is not None

"""The sync's bulk paths write exactly what the row-by-row paths write.

Episodes of new translations go to SQLite as JSON seasons (``json_each``) and the search
index is written from the rows in hand; both must agree with the slow, obvious ways.
"""
import pytest

from anihome.catalog.search_index import reindex_releases
from anihome.db import database
from anihome.kodik import state, sync
from anihome.kodik.upsert import CatalogWriter
from anihome.models import Episode, Translation

from .conftest import catalog_dump

INDEX_TABLES = ("SELECT rowid, text FROM release_search ORDER BY rowid",
                "SELECT id, release_id, \"key\" FROM release_title ORDER BY id",
                "SELECT rowid, text FROM release_title_search ORDER BY rowid",
                "SELECT prefix, release_id, popularity FROM release_prefix ORDER BY prefix, release_id")


def _index() -> list:
    return [database.execute_sql(sql).fetchall() for sql in INDEX_TABLES]


def _forget_catalog() -> None:
    database.execute_sql('DELETE FROM "release"')
    reindex_releases(None)
    for key in (state.WATERMARK_KEY, state.FULL_KEY):
        state.delete(key)


def _row_by_row_writer() -> CatalogWriter:
    writer = CatalogWriter()
    writer._dumps = None  # as on a database without json_each
    return writer


@pytest.mark.sqlite_only("json_each is the SQLite path; other databases write episodes row by row anyway")
def test_episodes_written_as_json_seasons_equal_episodes_written_row_by_row(db, fake, kodik):
    sync.run_full(kodik)
    bulk = catalog_dump()
    _forget_catalog()

    sync.run_full(kodik, writer=_row_by_row_writer())

    assert catalog_dump() == bulk
    assert len(bulk["episodes"]) > len(bulk["translations"])


@pytest.mark.sqlite_only("reads SQLite's FTS5 search tables")
def test_the_search_index_the_sync_writes_equals_a_full_rebuild(db, fake, kodik):
    sync.run_full(kodik)
    sync.run_full(kodik)  # a second walk rewrites nothing, and must not duplicate index rows
    written = _index()

    reindex_releases(None)

    assert _index() == written
    assert all(written)


def _serial(kodik_id: str, seasons: dict) -> dict:
    return {"id": kodik_id, "type": "anime-serial", "link": "//kodik.info/serial/1/x/720p",
            "title": "Проверка сезонов", "title_orig": "Season check", "year": 2026,
            "shikimori_id": "990001", "translation": {"id": 610, "title": "AniTest", "type": "voice"},
            "last_season": 2, "last_episode": 2, "episodes_count": 4,
            "updated_at": "2026-05-02T05:36:49Z", "created_at": "2026-05-01T05:36:49Z", "seasons": seasons}


def test_a_season_with_episode_objects_or_odd_keys_is_read_episode_by_episode(db):
    seasons = {
        "1": {"link": "//s1", "episodes": {"1": "//e/1/1", "2": "//e/1/2", "10": "//e/1/10"}},
        "2": {"link": "//s2", "episodes": {"1": {"link": "//e/2/1", "title": "Первая"}, "2": "//e/2/2",
                                           "x": "//not-a-number"}},
        "special": {"link": "//sp", "episodes": {"1": "//ignored"}},
        "3": {"link": "//s3", "episodes": {}},
    }
    result = CatalogWriter().write([_serial("serial-990001", seasons)])

    translation = Translation.get(Translation.kodik_id == "serial-990001")
    rows = [(e.season, e.number, e.title, e.link)
            for e in Episode.select().where(Episode.translation == translation).order_by(Episode.season,
                                                                                          Episode.number)]
    assert rows == [(1, 1, "", "//e/1/1"), (1, 2, "", "//e/1/2"), (1, 10, "", "//e/1/10"),
                    (2, 1, "Первая", "//e/2/1"), (2, 2, "", "//e/2/2")]
    assert result.episodes_new == 5 and result.new_episodes == []


def test_new_episodes_of_a_known_translation_are_announced_once(db):
    writer = CatalogWriter()
    writer.write([_serial("serial-990002", {"1": {"link": "//s1", "episodes": {"1": "//e/1"}}})])

    result = writer.write([_serial("serial-990002", {"1": {"link": "//s1",
                                                            "episodes": {"1": "//e/1", "2": "//e/2"}}})])

    translation = Translation.get(Translation.kodik_id == "serial-990002")
    assert result.episodes_new == 1
    assert [(season, number) for _rid, tid, season, number in result.new_episodes
            if tid == translation.id] == [(1, 2)]

"""The JSON export is written row by row: the same document as ``build``, without holding it whole."""
from __future__ import annotations

import io
import json
import tracemalloc
from datetime import timedelta

from anihome.db import executemany
from anihome.library import export_json
from anihome.models import (Collection, CollectionItem, ContinueHidden, Favorite, ListEntry, ReleaseChoice,
                            WatchProgress)

from .conftest import NOW


def _history(user, translation, count: int) -> None:
    rows = [(user.id, translation.release_id, translation.id, 1, 1 + i % 12, str(NOW - timedelta(minutes=30 * i)),
             str(NOW - timedelta(minutes=30 * i - 24)), 1400.0, 1440.0, True) for i in range(count)]
    executemany(
        "INSERT INTO watch_event (user_id, release_id, translation_id, season, number, started_at, ended_at,"
        " position, duration, completed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _owns_a_bit_of_everything(user, cat) -> None:
    ListEntry.create(user=user, release=cat.serial, status="watching", score=8, rewatch_count=0, episodes_watched=2,
                     manual=False, notes="заметка \"в кавычках\"\nи строка", created_at=NOW, updated_at=NOW)
    Favorite.create(user=user, release=cat.movie, created_at=NOW)
    shelf = Collection.create(user=user, name="Полка", description="", visibility="private", position=0,
                              created_at=NOW, updated_at=NOW)
    CollectionItem.create(collection=shelf, release=cat.ongoing, position=0, added_at=NOW)
    WatchProgress.create(user=user, release=cat.serial, translation=cat.voice, season=1, number=2, position=300.5,
                         duration=1440, watched=False, updated_at=NOW)
    ReleaseChoice.create(user=user, release=cat.serial, translation=cat.voice, updated_at=NOW)
    ContinueHidden.create(user=user, release=cat.ongoing, hidden_until=None, created_at=NOW)
    _history(user, cat.voice, 3)


def test_the_written_export_is_the_document_build_returns(cat, alice, bob):
    _owns_a_bit_of_everything(alice, cat)
    _owns_a_bit_of_everything(bob, cat)

    written = json.load(export_json.spool(alice.id))
    built = json.loads(json.dumps(export_json.build(alice.id), default=str))

    written.pop("exported_at"), built.pop("exported_at")
    assert written == built
    assert written["member"]["username"] == "alice"
    assert len(written["history"]) == 3 and written["lists"][0]["notes"].startswith("заметка")
    assert written["collections"][0]["items"][0]["release"]["id"] == cat.ongoing.id


class _Sink:
    """A text file that keeps only how much was written (the output is not the export's memory)."""

    def __init__(self):
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def test_exporting_a_long_history_holds_a_few_rows_at_a_time(cat, alice):
    _history(alice, cat.voice, 20_000)
    sink, out = _Sink(), io.StringIO()

    tracemalloc.start()
    try:
        export_json.write(alice.id, sink)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    export_json.write(alice.id, out)
    assert len(json.loads(out.getvalue())["history"]) == 20_000
    assert sink.chars > 20_000 * 100
    assert peak < 1024 * 1024, f"writing the export held {peak} bytes at its peak"

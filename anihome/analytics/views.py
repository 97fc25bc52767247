"""View events: a row when a member opens a release page or starts an episode.

Recording must never slow a page down, so ``ViewRecorder.add`` only appends to an
in-memory list; the rows are written in one short transaction after a response has been
sent (``flush_due``) once ANALYTICS_VIEW_FLUSH_SECONDS have passed or BATCH rows wait,
and before anything reads them (the roll-up, the member's statistics). A crash loses at
most those few seconds of views. ``prune`` drops events older than the retention setting.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from ..clock import utcnow
from ..db import database, write_transaction
from ..models import ViewEvent
from ..models.analytics import VIEW_KINDS

log = logging.getLogger(__name__)

BATCH = 100
EXTENSION = "anihome.analytics.views"


@dataclass(frozen=True)
class View:
    user_id: int
    release_id: int
    kind: str
    at: datetime
    translation_id: int | None = None


class ViewRecorder:
    """A per-app buffer of view events, written in batches."""

    def __init__(self, flush_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.flush_seconds = flush_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: list[View] = []
        self._oldest = 0.0

    def add(self, user_id: int, release_id: int, kind: str, translation_id: int | None = None,
            at: datetime | None = None) -> None:
        if kind not in VIEW_KINDS:
            raise ValueError(f"unknown view kind {kind!r}")
        view = View(user_id, release_id, kind, at or utcnow(), translation_id)
        with self._lock:
            if not self._pending:
                self._oldest = self._clock()
            self._pending.append(view)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def due(self) -> bool:
        with self._lock:
            return bool(self._pending) and (
                len(self._pending) >= BATCH or self._clock() - self._oldest >= self.flush_seconds)

    def flush_due(self) -> int:
        """Write the waiting rows when they are due (called after a response was sent)."""
        return self.flush() if self.due() else 0

    def flush(self) -> int:
        """Write every waiting row in one transaction; returns how many were written."""
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return 0
        rows = [{"user": v.user_id, "release": v.release_id, "translation": v.translation_id,
                 "kind": v.kind, "at": v.at} for v in batch]
        try:
            with database.connection_context():
                with write_transaction():
                    for start in range(0, len(rows), 500):
                        ViewEvent.insert_many(rows[start:start + 500]).execute()
        except Exception:  # a release deleted meanwhile (FK), a locked database: log, keep serving
            log.exception("view events lost count=%s", len(rows))
            return 0
        return len(rows)


def recorder_of(app) -> ViewRecorder:
    return app.extensions[EXTENSION]


def install(app) -> ViewRecorder:
    recorder = ViewRecorder(app.config["ANIHOME_SETTINGS"]["ANALYTICS_VIEW_FLUSH_SECONDS"])
    app.extensions[EXTENSION] = recorder
    return recorder


def prune(retention_days: int, now: datetime | None = None) -> int:
    """Delete view events older than ``retention_days`` (in chunks); returns how many went."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    total = 0
    while True:
        with write_transaction():
            ids = [row.id for row in ViewEvent.select(ViewEvent.id)
                   .where(ViewEvent.at < cutoff).limit(5000)]
            if ids:
                ViewEvent.delete().where(ViewEvent.id.in_(ids)).execute()
        total += len(ids)
        if len(ids) < 5000:
            break
    if total:
        log.info("view events pruned count=%s cutoff=%s", total, cutoff.isoformat())
    return total

"""The offline demo catalog: the real sync code run against the built-in fake Kodik.

``load_demo_catalog`` starts a ``FakeKodik`` on 127.0.0.1 (a free port) for the duration,
runs a full sync against it over HTTP (the very code path a real sync takes) and stops
it. The demo leaves no watermark behind and sets ``kodik.demo``; the first real sync
(a token is set) checks the token, then removes the demo catalog before it stores the
real one, so fake titles never mix with Kodik's.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Mapping

from ..clock import utcnow
from ..catalog.search_index import reindex_releases
from ..db import database, write_transaction
from ..errors import Conflict
from ..models import Release
from . import state
from .client import KodikClient
from .sync import Progress, SyncReport, run_full

log = logging.getLogger(__name__)

DEMO_KEY = "kodik.demo"
DEMO_ITEMS = 3000
DEMO_SEED = 2026
WEEK = timedelta(days=7)


def is_demo() -> bool:
    """True while the catalog is the demo catalog."""
    return state.get(DEMO_KEY) is not None


def load_demo_catalog(settings: Mapping[str, Any], progress: Progress | None = None,
                      items: int = DEMO_ITEMS, seed: int = DEMO_SEED) -> SyncReport:
    """Fill an empty catalog with the demo catalog (refused when Kodik data is present)."""
    from .fake.server import FakeKodik

    if not is_demo() and Release.select().exists():
        raise Conflict("The catalog already holds Kodik data; the demo catalog is only for an empty one.")
    with FakeKodik(items=items, seed=seed) as fake:
        client = KodikClient(fake.base_url, fake.token, max_rps=0, timeout=(5, 30))
        try:
            with write_transaction():
                state.delete(state.FULL_KEY)  # a demo always walks from the top
            report = run_full(client, progress=progress)
        finally:
            client.close()
    with write_transaction():
        for key in (state.WATERMARK_KEY, state.LAST_FULL_KEY, state.FULL_KEY):
            state.delete(key)
        state.put(DEMO_KEY, str(utcnow()))
    log.info("kodik demo catalog loaded items=%d releases_new=%d", report.items, report.releases_new)
    roll_demo_airing()
    return report


def roll_demo_airing(now: datetime | None = None, batch: int = 200) -> int:
    """Move the demo's past next-episode times forward by whole weeks, so its airing calendar
    follows today's date (the fake catalog is generated at a fixed date); return rows moved."""
    if not is_demo():
        return 0
    now = now or utcnow()
    rows = list(Release.select(Release.id, Release.next_episode_at)
                .where(Release.next_episode_at < now).tuples())
    for start in range(0, len(rows), batch):
        with write_transaction():
            for release_id, at in rows[start:start + batch]:
                weeks = -(-(now - at) // WEEK)
                Release.update(next_episode_at=at + weeks * WEEK).where(Release.id == release_id).execute()
    if rows:
        from .. import events

        events.catalog_changed.send(None, release_ids=None)
    log.info("kodik demo airings moved=%d", len(rows))
    return len(rows)


def clear_demo_catalog(batch: int = 200) -> int:
    """Delete the demo catalog (releases cascade to translations and episodes); return releases removed."""
    if not is_demo():
        return 0
    removed = 0
    while True:
        ids = [rid for (rid,) in Release.select(Release.id).order_by(Release.id).limit(batch).tuples()]
        if not ids:
            break
        with write_transaction():
            Release.delete().where(Release.id.in_(ids)).execute()
        removed += len(ids)
    with write_transaction():
        reindex_releases(None)  # the demo was the whole catalog: rebuild every search table (now empty)
        for table in ("genre", "studio"):
            database.execute_sql(f'DELETE FROM "{table}" WHERE id NOT IN (SELECT {table}_id FROM "release_{table}")')
        state.delete(DEMO_KEY)
    from .. import events

    events.catalog_changed.send(None, release_ids=None)
    log.info("kodik demo catalog removed releases=%d", removed)
    return removed

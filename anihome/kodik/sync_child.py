"""``python -m anihome.kodik.sync_child``: one Kodik sync in a process of its own.

Started by the ``kodik-sync`` and ``kodik-full-sync`` jobs (``kodik.jobs``) through
``jobs.child_process``; the request (one JSON line on stdin) holds the mode, the token and
the parent's settings. The sync is the same code as in-process (``sync.run_sync``): chunks
commit with their resume cursor, so a child killed at any point (or taken down with its
parent) is resumed by the next run. Notifications about new episodes are written here, in each
chunk's own transaction (``notify.fanout`` on ``catalog_written``); ``catalog_changed`` and
``episode_added`` go to the parent, whose caches listen to them. Progress goes to the parent
as ``{"kind": "progress", "mode", "pages", "items", "done", "total"}`` messages; the result is
the run's counts with this process's peak RSS.

Why a child: see ``jobs.child_process`` (the memory a full sync leaves in a serving process).
"""
from __future__ import annotations

import logging

from .. import db, events
from ..config import load_settings
from ..jobs.child_channel import Channel
from ..ops.memory import peak_rss_mb

log = logging.getLogger(__name__)


def main() -> int:
    channel = Channel.open()
    request = channel.request
    settings = load_settings(overrides=request.get("settings") or {}, environ={})
    database = db.open_database(settings)
    db.bind(database)
    from ..notify import fanout
    from .sync import SyncError, run_sync

    events.catalog_written.connect(fanout.on_catalog_written)
    channel.forward(events.catalog_changed, events.episode_added)

    def progress(report, done: int, total: int | None) -> None:
        channel.send("progress", mode=report.mode, pages=report.pages, items=report.items, done=done, total=total)

    try:
        with database.connection_context():
            report = run_sync(settings, str(request.get("mode")), str(request.get("token") or ""), progress=progress)
    except Exception as exc:  # noqa: BLE001 - the parent records it as the run's error
        if not isinstance(exc, SyncError):
            log.exception("kodik sync child failed")
        channel.fail(exc)
        return 1
    finally:
        db.close_all(database)
    channel.result({"mode": report.mode, "counts": {**report.as_counts(), "peak_rss_mb": peak_rss_mb()}})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Restore a backup from inside the running server (Admin → System → Restore).

While it runs, every other request answers 503 "maintenance" (``init_app`` installs that
gate first in line), no job can start (the job lock is held) and none may be running; the
pooled connections are closed, the files swapped by ``restore.restore_backup`` under the
server's own lock (on PostgreSQL the caller passes ``pg_restore.restore_pg_backup``: the
archive loaded in one transaction), and the restored database is checked and migrated
forward like at start-up. Caches are emptied afterwards.
"""
from __future__ import annotations

import logging
import threading
import time

from flask import request

from ..db import close_all, database
from ..error_responses import json_error
from ..errors import Conflict
from ..jobs.state import job_state
from .restore import RestoreResult, restore_backup

log = logging.getLogger(__name__)

_MAINTENANCE = "anihome.maintenance"
_DRAIN_SECONDS = 5.0


def _flag(app) -> threading.Event:
    return app.extensions.setdefault(_MAINTENANCE, threading.Event())


def in_maintenance(app) -> bool:
    return _flag(app).is_set()


def restore_in_server(app, name: str, by: str, restore=None) -> RestoreResult:
    """Restore backup ``name`` into this running app; raise ``Conflict`` while a job runs.

    ``restore(settings, head, lock_held)`` replaces the default (``restore_backup`` of ``name``),
    e.g. to import a household archive from the first-run page.
    """
    from ..cache import get_cache
    from ..migrations import head_version
    from ..serving.startup import prepare_database

    flag = _flag(app)
    state = job_state(app)
    if flag.is_set():
        raise Conflict("A restore is already in progress.")
    with state.lock:
        if state.active:
            raise Conflict(f"The job {', '.join(sorted(state.active))} is running; restore when it has finished.")
        flag.set()
        try:
            pool = app.extensions["anihome.db"]
            if not database.is_closed():
                database.close()  # this request's connection
            _drain(pool)
            close_all(pool)
            restore = restore or (lambda settings, head, lock_held: restore_backup(settings, name, head, lock_held))
            result = restore(app.config["ANIHOME_SETTINGS"], head_version(), "anihome.server_lock" in app.extensions)
            prepare_database(app)
            get_cache(app).clear()
            app.extensions.pop("anihome.setup_done", None)
        finally:
            flag.clear()
    log.warning("restore backup=%s by=%s replaced=%s", result.restored_from.name, by, result.replaced_by)
    return result


def _drain(pool) -> None:
    """Give requests already past the gate a moment to hand back their connections."""
    deadline = time.monotonic() + _DRAIN_SECONDS
    while getattr(pool, "_in_use", None) and time.monotonic() < deadline:
        time.sleep(0.05)


def init_app(app) -> None:
    """Answer 503 to every request while a restore runs (before any other hook touches the database)."""
    flag = _flag(app)

    def _gate():
        if not flag.is_set():
            return None
        message = "AniHome is restoring a backup; try again in a minute."
        if request.path.startswith("/api/"):
            return json_error(503, message, "maintenance", headers={"Retry-After": "30"})
        return message, 503, {"Retry-After": "30", "Content-Type": "text/plain; charset=utf-8"}

    app.before_request_funcs.setdefault(None, []).insert(0, _gate)

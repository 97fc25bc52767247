"""What is wrong with this server right now: for ``/api/v1/health``, the admin banner, ``doctor``.

The state lives on the app (``app.extensions["anihome.health"]``), written by the start-up
check, the periodic ``integrity-check`` job (SQLite: ``quick_check``; PostgreSQL:
``ops.pg_checks.live_check``) and the error handler that meets a full disk;
free disk space is read on each call (one ``statvfs``). ``problems(app)`` lists the current
problems; an empty list means healthy.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..db import sqlite_path
from .diskspace import disk_space
from .integrity import Verdict, check_file

log = logging.getLogger(__name__)

#: A write that failed for lack of space is reported this long, or until space is back.
DISK_FULL_MEMORY_SECONDS = 600


@dataclass(frozen=True)
class Problem:
    """One thing wrong: ``text`` is an English template (translated on pages) filled from ``values``."""

    code: str
    text: str
    values: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.text % self.values if self.values else self.text


@dataclass
class HealthState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    database_problem: str | None = None
    #: the problem was found on PostgreSQL (its fix is doctor's, not a backup restore)
    database_postgres: bool = False
    database_checked_at: float | None = None
    disk_full_at: float | None = None


def health_state(app) -> HealthState:
    return app.extensions.setdefault("anihome.health", HealthState())


def record_startup_check(app) -> None:
    """Start-up found the database sound (``prepare_database`` refuses it otherwise)."""
    state = health_state(app)
    with state.lock:
        state.database_problem, state.database_checked_at = None, time.time()


def check_database(app) -> Verdict:
    """``quick_check`` of the live SQLite database; remember the verdict for health."""
    path = sqlite_path(app.config["ANIHOME_SETTINGS"])
    verdict = check_file(path, full=False, read_only=False)
    state = health_state(app)
    with state.lock:
        state.database_problem = None if verdict.ok else verdict.detail
        state.database_checked_at = time.time()
    if not verdict.ok:
        log.error("health database=%s quick_check=%s", path, verdict.detail)
    return verdict


def check_postgres(app, use_amcheck: bool = True):
    """``pg_checks.live_check`` of the live PostgreSQL database; remember the verdict for health."""
    from .pg_checks import live_check

    database = app.extensions["anihome.db"]
    with database.connection_context():
        result = live_check(database, use_amcheck=use_amcheck)
    state = health_state(app)
    with state.lock:
        state.database_problem = None if result.ok else f"{result.detail}; fix: {result.fix}"
        state.database_postgres = True
        state.database_checked_at = time.time()
    if result.ok:
        log.info("health database=postgresql check=ok counts=%s %s", result.counts, result.note)
    else:
        log.error("health database=postgresql check=failed detail=%s fix=%s", result.detail, result.fix)
    return result


def note_disk_full(app) -> None:
    """A write just failed because the disk is full."""
    state = health_state(app)
    with state.lock:
        state.disk_full_at = time.time()
    log.error("write failed: disk full data_dir=%s", app.config["ANIHOME_SETTINGS"]["DATA_DIR"])


def problems(app) -> list[Problem]:
    """The current problems of this server, most serious first."""
    settings = app.config["ANIHOME_SETTINGS"]
    state = health_state(app)
    found = []
    if state.database_problem and state.database_postgres:
        found.append(Problem("database_damaged", "The database check failed (%(detail)s). Run anihome doctor "
                             "on the server: it names each problem's fix.",
                             {"detail": state.database_problem[:300]}))
    elif state.database_problem:
        found.append(Problem("database_damaged", "The database failed its integrity check (%(detail)s). "
                             "Restore a backup: anihome backup list, then anihome backup restore FILE.",
                             {"detail": state.database_problem[:200]}))
    space = disk_space(settings["DATA_DIR"])
    minimum = settings["DISK_FREE_MIN_MB"]
    low = space is not None and space.free_mb < minimum
    recent_full = state.disk_full_at is not None and time.time() - state.disk_full_at < DISK_FULL_MEMORY_SECONDS
    if recent_full and (low or space is None):
        found.append(Problem("disk_full", "The disk holding %(folder)s is full: changes cannot be saved. "
                             "Free some space.", {"folder": settings["DATA_DIR"]}))
    elif low:
        found.append(Problem("disk_low", "Only %(free)s MB free on the disk holding %(folder)s (warning below "
                             "%(minimum)s MB). Free some space.",
                             {"free": space.free_mb, "folder": settings["DATA_DIR"], "minimum": minimum}))
    return found


def free_mb(app) -> int | None:
    space = disk_space(Path(app.config["ANIHOME_SETTINGS"]["DATA_DIR"]))
    return None if space is None else space.free_mb


def init_app(app) -> None:
    """Give templates ``health_problems()`` (called by the admin banner only when an admin looks),
    and install the maintenance gate used while a backup is restored."""
    from .maintenance import init_app as init_maintenance

    app.extensions.setdefault("anihome.health", HealthState())
    init_maintenance(app)

    @app.context_processor
    def _health():
        return {"health_problems": lambda: problems(app)}

"""Restore a backup: verify it, keep the replaced database aside, put the copy in place.

Restoring under a running server would corrupt the database, so the serving process holds
an exclusive lock on ``<data dir>/anihome.lock`` (``hold_server_lock``) for its lifetime and
``restore_backup`` refuses while another process holds it. The server itself restores from
the admin System page under its own lock, with every other request held off (see
``ops/maintenance.py`` and ``web/admin_system.py``). The replaced database, with its ``-wal``
and ``-shm``, is moved to ``<data dir>/replaced/``. Every browser session and household screen
in the restored copy is ended before it goes in place (whoever restores: the CLI, Admin →
System, a household archive); the caller then migrates the restored file forward as on any start.
"""
from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..clock import utcnow
from ..db import sqlite_path
from .backups import list_backups
from .diskspace import is_disk_full
from .integrity import check_file, private_dir, private_file

log = logging.getLogger(__name__)

LOCK_NAME = "anihome.lock"
_SIDE_FILES = ("-wal", "-shm")


class RestoreError(RuntimeError):
    """The backup was not restored; the database in place is unchanged."""


class ServerRunning(RestoreError):
    """Another process (the server) holds the data dir's lock."""


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    replaced_by: Path | None  # where the previous database now is (None when there was none)
    schema_version: int


def backup_folder(settings: Mapping[str, Any]) -> Path:
    return Path(settings["DATA_DIR"]) / "backups"


class ServerLock:
    """An exclusive ``flock`` on <data dir>/anihome.lock, released when the process ends."""

    def __init__(self, data_dir: str | Path):
        self.path = Path(data_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise ``ServerRunning`` naming the holder's pid."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise ServerRunning(f"AniHome is running (pid {holder}, it holds {self.path}); stop it first, "
                                "e.g. systemctl stop anihome, or restore from Admin → System") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> "ServerLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def hold_server_lock(app) -> ServerLock:
    """Called by the serving process: hold the data dir's lock for as long as it runs."""
    lock = ServerLock(app.config["ANIHOME_SETTINGS"]["DATA_DIR"])
    lock.acquire()
    app.extensions["anihome.server_lock"] = lock
    return lock


def find_backup(settings: Mapping[str, Any], name: str) -> Path:
    """A backup by file name (in the backups folder) or by path."""
    candidate = Path(name).expanduser()
    if candidate.is_file():
        return candidate.resolve()
    in_folder = backup_folder(settings) / candidate.name
    if in_folder.is_file():
        return in_folder
    known = ", ".join(b.name for b in list_backups(backup_folder(settings))[:3]) or "none"
    raise RestoreError(f"no backup {name!r} (looked in {backup_folder(settings)}; newest there: {known})")


def schema_of(path: Path) -> int:
    """The schema version recorded in an SQLite file (0 when it has none)."""
    connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)
    except sqlite3.Error:
        return 0
    finally:
        connection.close()


def refuse_unknown_schema(label: str, kind: str, version: int, head: int) -> None:
    """Refuse a backup that is not an AniHome database (``version`` 0) or that a newer AniHome
    wrote (both engines' restores ask this the same way)."""
    if version == 0:
        raise RestoreError(f"{label} is {kind} but not an AniHome database (no schema_version)")
    if version > head:
        raise RestoreError(f"{label} was written by a newer AniHome (schema {version}); upgrade first")


def restore_backup(settings: Mapping[str, Any], name: str, head: int, lock_held: bool = False) -> RestoreResult:
    """Verify the backup ``name``, move the current database aside, and put the backup in place.

    ``head`` is the newest schema this AniHome knows: a backup from a newer one is refused.
    ``lock_held`` is for the server restoring itself (it already holds the lock).
    """
    source = find_backup(settings, name)
    verdict = check_file(source, full=True)
    if not verdict.ok:
        raise RestoreError(f"{source} failed its integrity check ({verdict.detail}); it was not restored")
    version = schema_of(source)
    refuse_unknown_schema(str(source), "an SQLite file", version, head)
    lock = ServerLock(settings["DATA_DIR"])
    if not lock_held:
        lock.acquire()
    try:
        return _swap(settings, source, version)
    finally:
        lock.release()


def _end_sessions(connection: sqlite3.Connection) -> None:
    """Sign everyone out of the copy and forget its household screens: a backup brings back the
    browser sessions and screens of its day, which may have been ended or removed since (a stolen
    phone signed out everywhere, a lost tablet removed as a screen, must stay out)."""
    for table in ("user_session", "household_screen"):
        if connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
            with connection:
                ended = connection.execute(f"DELETE FROM {table}").rowcount  # noqa: S608 (a fixed name)
            log.info("restore cleared table=%s rows=%d", table, ended)


def _swap(settings: Mapping[str, Any], source: Path, version: int) -> RestoreResult:
    target = sqlite_path(settings)
    staged = target.with_name(f".{target.name}.restoring")
    try:
        private_file(staged)
        src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(staged)
            try:
                src.backup(dest)
                _end_sessions(dest)
                dest.execute("PRAGMA journal_mode=DELETE").fetchone()
            finally:
                dest.close()
        finally:
            src.close()
    except (OSError, sqlite3.Error) as exc:
        for leftover in (staged, staged.with_name(staged.name + "-journal")):
            leftover.unlink(missing_ok=True)
        reason = "disk full" if is_disk_full(exc) else str(exc)
        raise RestoreError(f"could not copy {source.name} into place ({reason}); nothing was changed") from exc
    replaced = None
    if target.exists():
        aside = Path(settings["DATA_DIR"]) / "replaced"
        private_dir(aside)
        replaced = aside / f"anihome-{utcnow():%Y%m%d-%H%M%S-%f}.db"
        for side in ("", *_SIDE_FILES):
            current = target.with_name(target.name + side)
            if current.exists():
                os.replace(current, replaced.with_name(replaced.name + side))
    else:
        for side in _SIDE_FILES:  # a -wal without its database must not meet the restored file
            target.with_name(target.name + side).unlink(missing_ok=True)
    os.replace(staged, target)
    log.warning("restored backup=%s schema=%s replaced_to=%s", source.name, version, replaced)
    return RestoreResult(source, replaced, version)

"""Free space in the data dir, and telling a full disk apart from other errors.

A full disk shows up as ``OSError(ENOSPC)`` from file writes and as SQLite's SQLITE_FULL
(``database or disk is full``) from the database, sometimes hidden behind a follow-up error
("cannot rollback - no transaction is active") raised while cleaning up. ``is_disk_full``
looks through the whole chain by error codes, not message text.
"""
from __future__ import annotations

import errno
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

SQLITE_FULL = 13
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


@dataclass(frozen=True)
class DiskSpace:
    path: str
    free_bytes: int
    total_bytes: int

    @property
    def free_mb(self) -> int:
        return self.free_bytes // (1024 * 1024)


def disk_space(path: str | Path) -> DiskSpace | None:
    """Free and total bytes of the file system holding ``path`` (None when it cannot be read)."""
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return None
    return DiskSpace(str(path), usage.free, usage.total)


def _chain(exc: BaseException | None):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        # peewee wraps the driver's error and keeps it as ``orig``
        wrapped = getattr(exc, "orig", None)
        if isinstance(wrapped, BaseException) and id(wrapped) not in seen:
            yield from _chain(wrapped)
        exc = exc.__cause__ or exc.__context__


def is_disk_full(exc: BaseException | None) -> bool:
    """True when ``exc`` (or an error it wraps or was raised during) means the disk is full."""
    for error in _chain(exc):
        if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
            return True
        if isinstance(error, sqlite3.Error) and (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF == SQLITE_FULL:
            return True
    return False

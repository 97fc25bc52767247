"""Plain start-up and command-line errors: one or two lines with the path and what to do.

``explain(exc, data_dir)`` turns whatever stopped AniHome (a setting, a refused database, a
folder it cannot write, a full disk, SQLite's terse "unable to open database file", a
PostgreSQL server that does not answer or refuses the login) into a sentence for a person;
``log_traceback`` puts the full traceback in the log file only, so the terminal is not
buried under 60 lines of frames.
"""
from __future__ import annotations

import errno
import getpass
import logging
import sqlite3
import sys
from pathlib import Path

from .diskspace import is_disk_full

log = logging.getLogger(__name__)

#: Errors whose message is already written for a person (no traceback needed).
_EXPECTED = {"StartupError", "GuardError", "BackupError", "RestoreError", "ServerRunning"}
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 8, 10, 11, 14, 26


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (containers)
        return "this user"


def _sqlite_code(exc: BaseException) -> int | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, "orig", None)
        if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) is not None:
            return exc.sqlite_errorcode & 0xFF
        exc = inner if isinstance(inner, BaseException) else (exc.__cause__ or exc.__context__)
    return None


def _chain(exc: BaseException):
    """``exc`` and every exception it wraps (cause, context, Peewee's wrapped driver error)."""
    seen, todo = set(), [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo += [item.__cause__, item.__context__, *(a for a in item.args if isinstance(a, BaseException))]


def _postgres_connect_error(exc: BaseException) -> str | None:
    """A failed PostgreSQL connection in plain words (no password), or None."""
    driver = sys.modules.get("psycopg2")
    if driver is None:
        return None
    for item in _chain(exc):
        if isinstance(item, driver.OperationalError) and not getattr(item, "pgcode", None):
            from ..config import load_settings
            from .pg_checks import explain_connect_error

            try:
                url = load_settings().get("DATABASE_URL") or ""
            except Exception:  # the settings are what failed: say what the driver said
                url = ""
            problem = explain_connect_error(url or "postgresql://", item)
            return f"cannot connect to the PostgreSQL database: {problem.message}; {problem.fix}."
    return None


def explain(exc: BaseException, data_dir: str | Path | None) -> str:
    """What went wrong and what to do, in a sentence or two, naming the path involved."""
    from ..config import ConfigError

    folder = Path(data_dir) if data_dir else None
    database = folder / "anihome.db" if folder else None
    if isinstance(exc, ConfigError) or type(exc).__name__ in _EXPECTED:
        return str(exc)
    if is_disk_full(exc):
        return (f"disk full: there is no space left on the disk holding {folder or 'the data dir'}. "
                "Free some space (df -h shows it) and start again.")
    postgres = _postgres_connect_error(exc)
    if postgres:
        return postgres
    code = _sqlite_code(exc)
    if code == _SQLITE_CANTOPEN:
        return (f"cannot open the database {database}: its folder is missing or not writable by {_user()}. "
                f"Check the folder's owner and permissions, or set ANIHOME_DATA_DIR to another folder.")
    if code == _SQLITE_READONLY:
        return (f"the database {database} is read-only for {_user()}: make it (and its folder) writable, "
                "or check that the disk is not mounted read-only.")
    if code == _SQLITE_IOERR:
        return (f"disk I/O error on {database}: the disk may be full, failing or unplugged. Check free space "
                f"(df -h {folder}) and the system log (dmesg); then restore a backup if the file is damaged.")
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return (f"the database {database} is damaged ({exc}). Restore a backup: anihome backup list, "
                "then anihome backup restore FILE.")
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (f"cannot write to {exc.filename or folder}: {exc.strerror}. Make it writable by {_user()}, "
                "or set ANIHOME_DATA_DIR to another folder.")
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        return ("the port is already in use: is AniHome (or another server) already running? Stop it, or set "
                "ANIHOME_PORT to a free port.")
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return (f"cannot use {exc.filename or folder} as a folder: a file is in the way. "
                "Move it, or set ANIHOME_DATA_DIR to another folder.")
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror or exc} for {exc.filename}."
    return f"{type(exc).__name__}: {exc}"


def log_traceback(message: str, exc: BaseException, data_dir: str | Path | None = None,
                  traceback: bool = True) -> Path | None:
    """Write ``message`` with the full traceback to the log file only; return that file.

    Uses AniHome's file handler when logging is set up (the server), else appends to
    ``<data dir>/logs/anihome.log`` directly (the command line); None when neither works.
    """
    record = log.makeRecord(log.name, logging.ERROR, __file__, 0, message, None,
                            (type(exc), exc, exc.__traceback__) if traceback else None)
    written = None
    for handler in logging.getLogger().handlers:
        if getattr(handler, "baseFilename", None) and getattr(handler, "_anihome_handler", False):
            handler.handle(record)
            written = Path(handler.baseFilename)
    if written is None and data_dir:
        from ..serving.logging_setup import _FORMAT, ScrubFormatter

        target = Path(data_dir) / "logs" / "anihome.log"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(target, encoding="utf-8")
        except OSError:
            return None
        try:
            handler.setFormatter(ScrubFormatter(_FORMAT))
            handler.handle(record)
            written = target
        finally:
            handler.close()
    return written


def plain_lines(exc: BaseException, data_dir: str | Path | None, what: str = "AniHome cannot start") -> str:
    """The text for stderr: the explanation, then where the details are."""
    from ..config import ConfigError

    text = f"{what}: {explain(exc, data_dir)}"
    expected = isinstance(exc, ConfigError) or type(exc).__name__ in _EXPECTED
    logged = log_traceback(text if expected else f"{what}: {type(exc).__name__}", exc, data_dir,
                           traceback=not expected)
    if logged and not expected:
        text += f"\nThe full error is in {logged}."
    return text

"""``anihome doctor``: check an install and say what to fix, one line per check.

Each check returns a ``Finding`` (``ok``, ``warn`` or ``fail``) with a message and, when
something is wrong, the fix. The checks read files and the database only; nothing is
changed and nothing goes over the network but to the database. On PostgreSQL the database
lines come from ``ops.pg_checks`` (server, version, schema, pg_trgm, id sequences, indexes,
amcheck when allowed) over one read-only connection.
"""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

from .backups import list_backups
from .diskspace import disk_space
from .findings import LEVELS, Finding
from .integrity import check_file, file_problem

__all__ = ["LEVELS", "Finding", "run_checks"]


def _data_dir(settings) -> Finding:
    folder = Path(settings["DATA_DIR"])
    if not folder.is_dir():
        return Finding("data dir", "fail", f"{folder} does not exist or is not a folder",
                       f"mkdir -p {folder} (or set ANIHOME_DATA_DIR)")
    if not os.access(folder, os.W_OK | os.X_OK):
        return Finding("data dir", "fail", f"{folder} is not writable by this user",
                       f"sudo chown -R $(whoami) {folder}")
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o077:
        return Finding("data dir", "warn", f"{folder} is open to other accounts (mode {mode:o}); it holds the "
                       "database, secret key and backups", f"chmod 700 {folder}")
    return Finding("data dir", "ok", f"{folder} (mode {mode:o})")


def _free_space(settings) -> Finding:
    space = disk_space(settings["DATA_DIR"])
    if space is None:
        return Finding("free space", "warn", "cannot read the free space of the data dir's disk")
    minimum = settings["DISK_FREE_MIN_MB"]
    if space.free_mb < minimum:
        return Finding("free space", "fail", f"{space.free_mb} MB free on the disk holding {settings['DATA_DIR']} "
                       f"(less than DISK_FREE_MIN_MB = {minimum})",
                       "free some space: old files in data/replaced/, data/logs/*.1-3, other programs")
    return Finding("free space", "ok", f"{space.free_mb} MB free of {space.total_bytes // 1048576} MB")


def _server_database(settings) -> list[Finding]:
    from ..db import is_postgres_url
    from .dbcopy import describe

    url = settings["DATABASE_URL"]
    if not is_postgres_url(url):
        return [Finding("database", "ok", f"{describe(url)} (DATABASE_URL); check it with its own tools")]
    from .pg_checks import doctor_findings

    return doctor_findings(url)


def _database(settings, full: bool) -> Finding:
    from ..migrations import head_version
    from .restore import schema_of

    path = Path(settings["DATA_DIR"]) / "anihome.db"
    if not path.exists():
        return Finding("database", "warn", f"{path} does not exist yet (a new install)",
                       "start AniHome once, or restore a backup")
    problem = file_problem(path)
    if problem:
        return Finding("database", "fail", f"{path}: {problem}", "restore a backup: anihome backup list")
    verdict = check_file(path, full=full, read_only=False)
    if not verdict.ok:
        return Finding("database", "fail", f"{path} failed its integrity check: {verdict.detail[:200]}",
                       "restore a backup: anihome backup list, anihome backup restore NAME")
    version, head = schema_of(path), head_version()
    if version > head:
        return Finding("database", "fail", f"written by a newer AniHome (schema {version}, this one knows {head})",
                       "upgrade AniHome, or restore a backup")
    size = path.stat().st_size // 1048576
    if version < head:
        return Finding("database", "warn", f"schema {version}, this AniHome is at {head}",
                       "the next start migrates it (after a backup)")
    return Finding("database", "ok", f"{path} ({size} MB, schema {version}, {'integrity' if full else 'quick'}_check ok)")


def _backups(settings) -> Finding:
    folder = Path(settings["DATA_DIR"]) / "backups"
    backups = list_backups(folder, "anihome")
    if settings.get("DATABASE_URL"):
        from ..db import is_postgres_url
        from .pg_backups import available

        if not is_postgres_url(settings["DATABASE_URL"]):
            return Finding("backups", "warn", "AniHome backs up SQLite and PostgreSQL only", "back it up with its own tools")
        missing = available()
        if missing:
            return Finding("backups", "warn", missing.split(": install")[0],
                           "apt install postgresql-client (the server's major version or newer)")
    if not backups:
        return Finding("backups", "warn", f"no nightly backups in {folder} yet", "anihome backup")
    age = (datetime.now(timezone.utc).replace(tzinfo=None) - backups[0].made).total_seconds() / 3600
    if age > 48:
        return Finding("backups", "warn", f"the newest backup is {age / 24:.1f} days old ({backups[0].name})",
                       "is the server running, and BACKUP_SCHEDULE set? Admin → Jobs shows failed runs; anihome backup")
    return Finding("backups", "ok", f"{len(backups)} nightly backups, newest {age:.0f} h old ({backups[0].name})")


def _kodik(settings) -> Finding:
    if settings.get("KODIK_TOKEN"):
        return Finding("kodik token", "ok", "set by the KODIK_TOKEN setting")
    if (Path(settings["DATA_DIR"]) / "kodik_token").is_file():
        return Finding("kodik token", "ok", "set on Admin → Kodik")
    if settings.get("DATABASE_URL"):  # start-up moves a token kept in the database into that file
        return Finding("kodik token", "warn", "no Kodik token: only the demo catalog is offered",
                       "set it on Admin → Kodik, or ANIHOME_KODIK_TOKEN")
    path = Path(settings["DATA_DIR"]) / "anihome.db"
    if not path.exists() or file_problem(path):
        return Finding("kodik token", "warn", "no KODIK_TOKEN setting (and no database to look in)",
                       "set it on Admin → Kodik, or ANIHOME_KODIK_TOKEN")
    import sqlite3

    from ..kodik.state import TOKEN_KEY

    connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT value FROM app_setting WHERE key = ?", (TOKEN_KEY,)).fetchone()
    except sqlite3.Error:
        row = None
    finally:
        connection.close()
    if row and row[0]:
        return Finding("kodik token", "ok", "set on Admin → Kodik")
    return Finding("kodik token", "warn", "no Kodik token: only the demo catalog is offered",
                   "set it on Admin → Kodik, or ANIHOME_KODIK_TOKEN")


def _clock(settings, now: Callable[[], float] = time.time) -> Finding:
    folder = Path(settings["DATA_DIR"])
    newest = 0.0
    for path in (folder / "anihome.db", folder / "anihome.db-wal", folder / "logs" / "anihome.log"):
        try:
            newest = max(newest, path.stat().st_mtime)
        except OSError:
            continue
    if newest and newest - now() > 300:
        return Finding("clock", "fail", f"the clock is behind: files in {folder} were written "
                       f"{(newest - now()) / 60:.0f} min in the future",
                       "turn on time sync: sudo timedatectl set-ntp true (a Pi has no battery-backed clock)")
    synced = _ntp_synchronized()
    if synced is False:
        return Finding("clock", "warn", "the system clock is not synchronised (NTP)", "sudo timedatectl set-ntp true")
    return Finding("clock", "ok", f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, time zone {settings['TIMEZONE']}"
                   + (", synchronised" if synced else ""))


def _ntp_synchronized() -> bool | None:
    if not shutil.which("timedatectl"):
        return None
    try:
        out = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"], capture_output=True,
                             text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    value = out.stdout.strip()
    return {"yes": True, "no": False}.get(value)


def run_checks(settings: Mapping[str, Any], full: bool = False) -> list[Finding]:
    """Every check, in the order they are printed."""
    database = _server_database(settings) if settings.get("DATABASE_URL") else [_database(settings, full)]
    return [_data_dir(settings), _free_space(settings), *database, _backups(settings),
            _kodik(settings), _clock(settings)]

"""Files at rest readable only by the account that runs AniHome.

The data dir holds the database, its backups, the secret key and the Kodik token: the
folders AniHome creates get mode 0700 and these files 0600 whatever the umask, and at
start-up ``warn_if_loose`` logs every one that others can read, with the command that
fixes it (AniHome does not change the modes of files it did not create).
"""
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
# Files in the data dir that must stay private (globs relative to it).
PRIVATE_FILES = ("anihome.db", "anihome.db-wal", "anihome.db-shm", "secret_key", "kodik_token",
                 "setup_code", "config.toml", "backups/*.db")
PRIVATE_DIRS = (".", "backups")


def private_dir(path: str | Path) -> Path:
    """Create ``path`` (and parents) if missing; a folder made here gets mode 0700."""
    path = Path(path)
    try:
        path.mkdir(parents=True, mode=DIR_MODE)
    except FileExistsError:
        if not path.is_dir():
            raise  # a file in the way: the caller reports it
        return path
    os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def create_private_file(path: str | Path) -> Path:
    """Create an empty file with mode 0600 unless it exists (SQLite then writes into it)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return path
    os.close(fd)
    os.chmod(path, FILE_MODE)
    return path


def make_private(*paths: str | Path) -> None:
    """Mode 0600 for each of ``paths`` that exists (a database AniHome has just created)."""
    for path in paths:
        try:
            os.chmod(path, FILE_MODE)
        except FileNotFoundError:
            pass


def loose_paths(data_dir: str | Path) -> list[tuple[Path, int]]:
    """(path, mode) of each private folder or file in the data dir that group or others can use."""
    root = Path(data_dir)
    found = []
    candidates = [root / d for d in PRIVATE_DIRS]
    for pattern in PRIVATE_FILES:
        candidates += sorted(root.glob(pattern))
    for path in candidates:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            found.append((path, mode))
    return found


def warn_if_loose(data_dir: str | Path) -> list[tuple[Path, int]]:
    """Log a warning for each private path that others can read; returns them."""
    found = loose_paths(data_dir)
    for path, mode in found:
        wanted = DIR_MODE if path.is_dir() else FILE_MODE
        log.warning("readable by other accounts path=%s mode=%o fix=\"chmod %o '%s'\"", path, mode, wanted, path)
    return found

"""Is this file a sound SQLite database? A verdict, never an exception.

``check_file`` answers for the live database (start-up, health) and for backup copies
alike: a missing or empty file, a file that is not SQLite, and every SQLite error become a
``Verdict`` with a reason a person can read. Callers decide what a bad verdict means.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
_MAX_PROBLEMS = 5


@dataclass(frozen=True)
class Verdict:
    ok: bool
    detail: str

    def __bool__(self) -> bool:  # pragma: no cover - convenience
        return self.ok


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an SQLite database at all (None when it may be one)."""
    try:
        if not path.exists():
            return "the file does not exist"
        if not path.is_file():
            return "it is not a regular file"
        if path.stat().st_size == 0:
            return "the file is empty (0 bytes)"
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if header != SQLITE_HEADER:
        return "it is not an SQLite database"
    return None


def check_file(path: str | Path, full: bool = True, read_only: bool = True) -> Verdict:
    """SQLite's ``integrity_check`` (``quick_check`` when ``full`` is False) of the file at ``path``.

    ``read_only`` opens the file without write access (backups); the live database in WAL mode
    is checked with ``read_only=False`` so SQLite may use its shared-memory file.
    """
    path = Path(path)
    problem = file_problem(path)
    if problem:
        return Verdict(False, problem)
    pragma = "integrity_check" if full else "quick_check"
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "")
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=5)
    except sqlite3.Error as exc:
        return Verdict(False, f"cannot open it: {exc}")
    try:
        rows = connection.execute(f"PRAGMA {pragma}({_MAX_PROBLEMS})").fetchall()
    except sqlite3.Error as exc:
        return Verdict(False, str(exc))
    finally:
        connection.close()
    problems = [str(row[0]) for row in rows]
    if problems == ["ok"]:
        return Verdict(True, "ok")
    return Verdict(False, "; ".join(problems) or "no answer from the check")


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; a folder made here gets mode 0700 whatever the umask."""
    made = not path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)  # a file in the way raises FileExistsError
    if made:
        os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 (before SQLite or zip writes a byte into it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path

"""Uploaded MAL files waiting between preview and apply, kept under <data dir>/imports.

A staged file is named by the member's id and a random token, so one member can never
apply another's upload. Bounded on disk: a member has one staged file at a time (a new
upload replaces the previous one), a file is kept at most ``MAX_AGE_SECONDS``, and all
members' staged files together stay under ``MAX_FILES`` files and ``MAX_TOTAL_BYTES``
(beyond that a new upload is refused with 503 until older ones are applied or expire).
Files are written from the upload stream in chunks, never held whole in memory.
"""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import BinaryIO

from ..errors import AppError, NotFound

MAX_AGE_SECONDS = 2 * 3600
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 20
MAX_TOTAL_BYTES = 64 * 1024 * 1024
CHUNK = 64 * 1024
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _folder(data_dir: str) -> Path:
    folder = Path(data_dir) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _sweep(folder: Path, user_id: int) -> list[Path]:
    """Remove expired files and the member's previous upload; the other files left."""
    cutoff = time.time() - MAX_AGE_SECONDS
    left = []
    for path in folder.glob("*.upload"):
        try:
            expired = path.stat().st_mtime < cutoff
        except FileNotFoundError:
            continue
        if expired or path.name.startswith(f"{int(user_id)}-"):
            path.unlink(missing_ok=True)
        else:
            left.append(path)
    return left


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def stage(data_dir: str, user_id: int, data: bytes | BinaryIO) -> str:
    """Keep ``data`` (bytes or a stream) for the member in place of any earlier upload;
    returns the token that names it. AppError 413 for a file over ``MAX_FILE_BYTES``, 503
    when the household's staged files are at their limit."""
    folder = _folder(data_dir)
    others = _sweep(folder, user_id)
    used = sum(_size(p) for p in others)
    if len(others) >= MAX_FILES or used >= MAX_TOTAL_BYTES:
        raise AppError("Too many imports are waiting to be applied; try again later.", "file",
                       status=503, code="busy")
    token = secrets.token_hex(16)
    path = folder / f"{int(user_id)}-{token}.upload"
    budget = min(MAX_FILE_BYTES, MAX_TOTAL_BYTES - used)
    chunks = [data] if isinstance(data, (bytes, bytearray)) else iter(lambda: data.read(CHUNK), b"")
    written = 0
    with open(path, "wb") as out:
        path.chmod(0o600)
        for chunk in chunks:
            written += len(chunk)
            if written > budget:
                out.close()
                path.unlink(missing_ok=True)
                if budget < MAX_FILE_BYTES:
                    raise AppError("Too many imports are waiting to be applied; try again later.",
                                   "file", status=503, code="busy")
                raise AppError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.", "file",
                               status=413, code="payload_too_large")
            out.write(chunk)
    return token


def _path(data_dir: str, user_id: int, token: str) -> Path:
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise NotFound("This upload has expired; upload the file again.", "token")
    path = _folder(data_dir) / f"{int(user_id)}-{token}.upload"
    if not path.exists() or path.stat().st_mtime < time.time() - MAX_AGE_SECONDS:
        raise NotFound("This upload has expired; upload the file again.", "token")
    return path


def open_staged(data_dir: str, user_id: int, token: str) -> BinaryIO:
    """The staged file for reading (close it, e.g. ``with open_staged(...) as f``)."""
    return open(_path(data_dir, user_id, token), "rb")


def load(data_dir: str, user_id: int, token: str) -> bytes:
    return _path(data_dir, user_id, token).read_bytes()


def discard(data_dir: str, user_id: int, token: str) -> None:
    try:
        _path(data_dir, user_id, token).unlink(missing_ok=True)
    except NotFound:
        pass

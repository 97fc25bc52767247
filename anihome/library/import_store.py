"""Uploaded MAL files waiting between preview and apply, kept under <data dir>/imports.

A staged file is named by the member's id and a random token, so one member can never
apply another's upload; files older than a day are removed whenever a new one is staged.
"""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from ..errors import NotFound

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _folder(data_dir: str) -> Path:
    folder = Path(data_dir) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def stage(data_dir: str, user_id: int, data: bytes) -> str:
    """Keep ``data`` for the member; returns the token that names it."""
    folder = _folder(data_dir)
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    path = folder / f"{int(user_id)}-{token}.upload"
    path.write_bytes(data)
    path.chmod(0o600)
    return token


def _path(data_dir: str, user_id: int, token: str) -> Path:
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise NotFound("This upload has expired; upload the file again.", "token")
    path = _folder(data_dir) / f"{int(user_id)}-{token}.upload"
    if not path.exists():
        raise NotFound("This upload has expired; upload the file again.", "token")
    return path


def load(data_dir: str, user_id: int, token: str) -> bytes:
    return _path(data_dir, user_id, token).read_bytes()


def discard(data_dir: str, user_id: int, token: str) -> None:
    try:
        _path(data_dir, user_id, token).unlink(missing_ok=True)
    except NotFound:
        pass

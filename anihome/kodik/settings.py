"""Which Kodik token the sync uses, where it is kept, and how it is shown.

The token entered on the admin page wins over the ``KODIK_TOKEN`` setting, so an owner can
fix a rejected token without editing files; clearing it on the page falls back to the
setting. It is kept in ``<data dir>/kodik_token`` (mode 0600), never in the database, so
database backups and exports cannot leak it; a token an older version stored in the
database moves to that file at start-up and is wiped from the database. It is only ever
shown masked (``••••••••abcd``) and never logged.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from ..db import database, write_transaction
from ..errors import AppError
from . import connection, state

log = logging.getLogger(__name__)

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9._~-]{8,200}$")
TOKEN_FILE = "kodik_token"


@dataclass(frozen=True)
class TokenInfo:
    token: str
    source: str  # "admin" | "setting" | ""

    @property
    def present(self) -> bool:
        return bool(self.token)

    @property
    def masked(self) -> str:
        return mask(self.token)


def mask(token: str) -> str:
    """Show at most the last 4 characters of a token (none of a short one)."""
    if not token:
        return ""
    tail = token[-4:] if len(token) >= 12 else ""
    return "••••••••" + tail


def token_path(settings: Mapping[str, Any]) -> Path:
    return Path(settings["DATA_DIR"]) / TOKEN_FILE


def _read_file(settings: Mapping[str, Any]) -> str:
    try:
        return token_path(settings).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return ""


def _write_file(settings: Mapping[str, Any], token: str) -> None:
    """Replace the token file atomically; the new file is 0600 from its first byte."""
    path = token_path(settings)
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def current_token(settings: Mapping[str, Any]) -> TokenInfo:
    """The token to use: the admin page's, else the KODIK_TOKEN setting, else none."""
    stored = _read_file(settings)
    if stored:
        return TokenInfo(stored, "admin")
    configured = (settings.get("KODIK_TOKEN") or "").strip()
    return TokenInfo(configured, "setting" if configured else "")


def _clean(token: str) -> str:
    token = (token or "").strip()
    if not _TOKEN_SHAPE.match(token):
        raise AppError("A Kodik token is 8 to 200 letters, digits, dots, dashes or underscores.", field="token")
    return token


def save_token(token: str, settings: Mapping[str, Any], test: bool = False):
    """Store a token from the admin page; rejects text that cannot be a Kodik token and, with
    ``test``, a token Kodik refuses or cannot be asked about (``TokenCheckFailed``: nothing
    is stored). Returns the ``ConnectionCheck`` when tested, else None."""
    token = _clean(token)
    check = None
    if test:
        check = connection.test_token(settings, token)
        if not check.ok:
            raise connection.TokenCheckFailed(check)
    _write_file(settings, token)
    log.info("kodik token saved")
    return check


def test_connection(settings: Mapping[str, Any], token: str | None = None):
    """Test ``token`` (or, when empty, the token in use) against Kodik without storing it."""
    token = (token or "").strip() or current_token(settings).token
    if not token:
        raise AppError("Enter a token to test, or save one first.", field="token")
    check = connection.test_token(settings, _clean(token))
    if not check.ok:
        raise connection.TokenCheckFailed(check)
    return check


def clear_token(settings: Mapping[str, Any]) -> None:
    """Forget the admin page's token (the KODIK_TOKEN setting, if any, applies again)."""
    token_path(settings).unlink(missing_ok=True)
    log.info("kodik token cleared")


def token_saved_at(settings: Mapping[str, Any]) -> datetime | None:
    """When the admin page's token was saved (naive UTC), or None."""
    try:
        stamp = token_path(settings).stat().st_mtime
    except FileNotFoundError:
        return None
    return datetime.fromtimestamp(stamp, timezone.utc).replace(tzinfo=None)


def move_token_out_of_database(settings: Mapping[str, Any]) -> bool:
    """Move a token an older AniHome kept in ``app_setting`` to the token file, and overwrite
    it in the database file (secure_delete, then a WAL checkpoint). True when one moved."""
    stored = state.get(state.TOKEN_KEY)
    if not stored:
        return False
    if not _read_file(settings):
        _write_file(settings, stored)
    sqlite = database.obj is not None and "sqlite" in type(database.obj).__name__.lower()
    if sqlite:
        database.execute_sql("PRAGMA secure_delete = ON")
    try:
        with write_transaction():
            state.delete(state.TOKEN_KEY)
    finally:
        if sqlite:
            database.execute_sql("PRAGMA secure_delete = OFF")
    if sqlite:
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    log.info("kodik token moved out of the database into %s", TOKEN_FILE)
    return True


__all__ = ["TokenInfo", "clear_token", "current_token", "mask", "move_token_out_of_database",
           "save_token", "test_connection", "token_saved_at"]


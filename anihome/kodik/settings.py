"""Which Kodik token the sync uses, and how it is shown.

The token entered on the admin page (stored in ``app_setting``) wins over the
``KODIK_TOKEN`` setting, so an owner can fix a rejected token without editing files;
clearing it on the page falls back to the setting. The token is only ever shown masked
(``••••••••abcd``) and never logged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..db import write_transaction
from ..errors import AppError
from . import connection, state

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9._~-]{8,200}$")


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


def current_token(settings: Mapping[str, Any]) -> TokenInfo:
    """The token to use: the admin page's, else the KODIK_TOKEN setting, else none."""
    stored = state.get(state.TOKEN_KEY)
    if stored:
        return TokenInfo(stored, "admin")
    configured = (settings.get("KODIK_TOKEN") or "").strip()
    return TokenInfo(configured, "setting" if configured else "")


def _clean(token: str) -> str:
    token = (token or "").strip()
    if not _TOKEN_SHAPE.match(token):
        raise AppError("A Kodik token is 8 to 200 letters, digits, dots, dashes or underscores.", field="token")
    return token


def save_token(token: str, settings: Mapping[str, Any] | None = None, test: bool = False):
    """Store a token from the admin page; rejects text that cannot be a Kodik token and, with
    ``test``, a token Kodik refuses or cannot be asked about (``TokenCheckFailed``: nothing
    is stored). Returns the ``ConnectionCheck`` when tested, else None."""
    token = _clean(token)
    check = None
    if test:
        check = connection.test_token(settings or {}, token)
        if not check.ok:
            raise connection.TokenCheckFailed(check)
    with write_transaction():
        state.put(state.TOKEN_KEY, token)
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


def clear_token() -> None:
    """Forget the admin page's token (the KODIK_TOKEN setting, if any, applies again)."""
    with write_transaction():
        state.delete(state.TOKEN_KEY)


def token_saved_at():
    from ..models import AppSetting

    row = AppSetting.get_or_none(AppSetting.key == state.TOKEN_KEY)
    return row.updated_at if row else None


__all__ = ["TokenInfo", "clear_token", "current_token", "mask", "save_token", "test_connection",
           "token_saved_at"]

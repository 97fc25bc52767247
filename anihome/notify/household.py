"""The owner's notification controls, stored in ``app_setting``: which channel kinds members may
use, and the SMTP server email channels send through (its password is write-only).

``NOTIFY_ALLOWED_HOSTS`` (a setting, not stored here) limits the hosts outbound pushes may reach.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError
from ..models import AppSetting
from ..models.notify import CHANNEL_KINDS

log = logging.getLogger(__name__)

KINDS_KEY = "notify.allowed_kinds"
SMTP_KEY = "notify.smtp"
SMTP_SECURITY = ("starttls", "tls", "none")


def _get(key: str) -> str | None:
    row = AppSetting.get_or_none(AppSetting.key == key)
    return row.value if row else None


def _put(key: str, value: str) -> None:
    updated = AppSetting.update(value=value, updated_at=utcnow()).where(AppSetting.key == key).execute()
    if not updated:
        AppSetting.create(key=key, value=value, updated_at=utcnow())


def allowed_kinds() -> tuple[str, ...]:
    """Channel kinds members may use (all of them until the owner says otherwise)."""
    raw = _get(KINDS_KEY)
    if raw is None:
        return CHANNEL_KINDS
    chosen = set(raw.split(","))
    return tuple(k for k in CHANNEL_KINDS if k in chosen)


def set_allowed_kinds(kinds) -> tuple[str, ...]:
    kinds = [str(k) for k in kinds or ()]
    unknown = [k for k in kinds if k not in CHANNEL_KINDS]
    if unknown:
        raise AppError("Unknown channel kind %(kind)s.", "kinds", values={"kind": repr(unknown[0])})
    with write_transaction():
        _put(KINDS_KEY, ",".join(k for k in CHANNEL_KINDS if k in kinds))
    log.info("notify allowed kinds=%s", ",".join(kinds) or "-")
    return allowed_kinds()


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = ""
    sender: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    def public(self) -> dict:
        """Everything but the password (shown as set / not set)."""
        return {"host": self.host, "port": self.port, "security": self.security, "username": self.username,
                "sender": self.sender, "password_set": bool(self.password)}


def smtp_settings() -> SmtpSettings:
    raw = _get(SMTP_KEY)
    return SmtpSettings(**json.loads(raw)) if raw else SmtpSettings()


def save_smtp(form: Mapping[str, Any]) -> SmtpSettings:
    """Store the SMTP server; an empty password keeps the stored one (write-only)."""
    current = smtp_settings()
    host = str(form.get("host") or "").strip()
    if not host or any(c in host for c in "/ @:"):
        raise AppError("Enter the SMTP server's host name, e.g. smtp.example.org.", "host")
    try:
        port = int(str(form.get("port") or "").strip())
    except ValueError:
        raise AppError("The SMTP port is a whole number, e.g. 587.", "port") from None
    if not 1 <= port <= 65535:
        raise AppError("The SMTP port is between 1 and 65535.", "port")
    security = str(form.get("security") or "starttls")
    if security not in SMTP_SECURITY:
        raise AppError("Choose STARTTLS, TLS or none.", "security")
    sender = str(form.get("sender") or "").strip()
    if "@" not in sender or len(sender) > 254 or any(c in sender for c in "\r\n"):
        raise AppError("Enter the address emails come from, e.g. anihome@example.org.", "sender")
    password = str(form.get("password") or "") or current.password
    if form.get("clear_password"):
        password = ""
    settings = SmtpSettings(host, port, security, str(form.get("username") or "").strip(), password, sender)
    with write_transaction():
        _put(SMTP_KEY, json.dumps(settings.__dict__))
    log.info("notify smtp saved host=%s port=%s security=%s", host, port, security)
    return settings


def allowed_hosts(settings: Mapping[str, Any]) -> set[str]:
    return {h.strip().lower() for h in str(settings.get("NOTIFY_ALLOWED_HOSTS") or "").split(",") if h.strip()}


def check_url(url: str, settings: Mapping[str, Any], field: str = "url") -> str:
    """An outbound URL members may use: http(s), a host, and on the allow-list when there is one."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise AppError("This is not a valid URL.", field) from None
    if parts.scheme not in ("http", "https"):
        raise AppError("Only http:// and https:// URLs are allowed.", field)
    if not host:
        raise AppError("The URL needs a host name.", field)
    if len(url) > 500:
        raise AppError("The URL is longer than 500 characters.", field)
    hosts = allowed_hosts(settings)
    if hosts and host not in hosts:
        raise AppError("The host %(host)s is not on this household's allow-list (NOTIFY_ALLOWED_HOSTS).", field,
                       values={"host": host})
    return url

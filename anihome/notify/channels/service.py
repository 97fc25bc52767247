"""A member's channels: add, change, remove, list and "send a test".

Secrets (ntfy access tokens, Telegram bot tokens, webhook secrets) are write-only: they are
stored to be sent, never shown again (a webhook's generated secret is returned once, by
``create``), never logged. A kind the owner has not allowed cannot be added, and its
existing channels stop receiving pushes.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from ...clock import utcnow
from ...db import write_transaction
from ...errors import AppError, NotFound
from ...models.notify import CHANNEL_KINDS, Channel
from .. import household
from . import module_of
from .base import ChannelError, Message

log = logging.getLogger(__name__)

MAX_CHANNELS = 20
NAME_MAX = 80


def for_user(user_id: int) -> list[Channel]:
    return list(Channel.select().where(Channel.user == user_id).order_by(Channel.id))


def own(user_id: int, channel_id) -> Channel:
    row = Channel.get_or_none((Channel.id == channel_id) & (Channel.user == user_id))
    if row is None:
        raise NotFound("No such channel.", "id")
    return row


def _name(value, kind: str) -> str:
    name = str(value or "").strip() or kind
    if len(name) > NAME_MAX:
        raise AppError("A channel name is at most %(n)s characters.", "name", values={"n": NAME_MAX})
    return name


def create(user_id: int, data: Mapping[str, Any], settings: Mapping[str, Any]) -> tuple[Channel, str | None]:
    """Add a channel; returns it and, for a webhook, its secret (shown this once only)."""
    kind = str(data.get("kind") or "")
    if kind not in CHANNEL_KINDS:
        raise AppError("kind must be one of ntfy, telegram, webhook, email.", "kind")
    if kind not in household.allowed_kinds():
        raise AppError("The owner does not allow %(kind)s channels in this household.", "kind", status=403,
                       values={"kind": kind},
                       code="forbidden")
    module = module_of(kind)
    clean = module.validate(dict(data), settings)
    shown_once = None
    if kind == "webhook":
        shown_once = clean["secret"] = module.new_secret()
    with write_transaction():
        if Channel.select().where(Channel.user == user_id).count() >= MAX_CHANNELS:
            raise AppError("A member can have at most %(n)s channels.", "kind", code="too_many_channels",
                           values={"n": MAX_CHANNELS})
        row = Channel.create(user=user_id, kind=kind, name=_name(data.get("name"), kind), created_at=utcnow(),
                             **clean)
    log.info("notify channel added user_id=%s channel_id=%s kind=%s", user_id, row.id, kind)
    return row, shown_once


def update(user_id: int, channel_id, data: Mapping[str, Any], settings: Mapping[str, Any]) -> Channel:
    """Change a channel's name, enabled flag or kind-specific fields (a secret only when given)."""
    row = own(user_id, channel_id)
    clean = module_of(row.kind).validate(dict(data), settings, partial=True)
    if "name" in data:
        clean["name"] = _name(data.get("name"), row.kind)
    if "enabled" in data:
        if not isinstance(data["enabled"], bool):
            raise AppError("enabled must be true or false.", "enabled")
        clean["enabled"] = data["enabled"]
    with write_transaction():
        for key, value in clean.items():
            setattr(row, key, value)
        row.save()
    log.info("notify channel changed user_id=%s channel_id=%s fields=%s", user_id, row.id,
             ",".join(sorted(k for k in clean if k != "secret")) + (",secret" if "secret" in clean else ""))
    return row


def delete(user_id: int, channel_id) -> None:
    row = own(user_id, channel_id)
    with write_transaction():
        row.delete_instance()
    log.info("notify channel removed user_id=%s channel_id=%s", user_id, row.id)


def send_test(user_id: int, channel_id, settings: Mapping[str, Any], session=None) -> tuple[bool, str]:
    """Push a test message now (not through the outbox); returns (ok, what happened)."""
    row = own(user_id, channel_id)
    if row.kind not in household.allowed_kinds():
        return False, f"The owner does not allow {row.kind} channels in this household."
    message = Message("AniHome", "This is a test from AniHome: this channel works.",
                      url=(settings.get("PUBLIC_URL") or ""), idempotency_key=f"test-{row.id}-{utcnow():%s}",
                      payload={"kind": "test"})
    try:
        module_of(row.kind).send(row, message, session=session, settings=settings)
    except ChannelError as exc:
        log.info("notify channel test failed user_id=%s channel_id=%s kind=%s error=%s", user_id, row.id,
                 row.kind, exc)
        return False, str(exc)
    log.info("notify channel test sent user_id=%s channel_id=%s kind=%s", user_id, row.id, row.kind)
    return True, "sent"

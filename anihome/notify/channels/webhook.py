"""Webhook: a JSON POST signed with HMAC-SHA256 of the body, ``X-AniHome-Signature: sha256=<hex>``.

The secret is generated here, shown to the member once, and never again. The delivery's
idempotency key travels in ``X-AniHome-Delivery`` (and ``Idempotency-Key``) so a receiver
can drop a repeat after a crash.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from ..household import check_url
from .base import Message, post

FIELDS = ("url",)
SECRET_FIELD = None


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def validate(data: dict, settings, partial: bool = False) -> dict:
    clean = {}
    if "url" in data or not partial:
        clean["url"] = check_url(str(data.get("url") or ""), settings)
    return clean


def send(channel, message: Message, session=None, settings=None) -> None:
    body = json.dumps({"title": message.title, "body": message.body, "url": message.url,
                       "unfollow_url": message.unfollow_url,
                       "delivery": message.idempotency_key, **message.payload},
                      ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json", "X-AniHome-Signature": sign(channel.secret, body),
               "X-AniHome-Delivery": message.idempotency_key, "Idempotency-Key": message.idempotency_key}
    post(session, channel.url, data=body, headers=headers, secrets=(channel.secret,), settings=settings)

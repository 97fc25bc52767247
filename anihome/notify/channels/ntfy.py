"""ntfy: a POST of the message to <server>/<topic>, with an optional access token (Bearer)."""
from __future__ import annotations

import re

from ...errors import AppError
from ..household import check_url
from .base import Message, post

FIELDS = ("url", "topic", "token")
SECRET_FIELD = "token"
_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def validate(data: dict, settings, partial: bool = False) -> dict:
    clean = {}
    if "url" in data or not partial:
        clean["url"] = check_url(str(data.get("url") or ""), settings).rstrip("/")
    if "topic" in data or not partial:
        topic = str(data.get("topic") or "").strip()
        if not _TOPIC.match(topic):
            raise AppError("An ntfy topic is 1 to 64 letters, digits, '-' or '_'.", "topic")
        clean["topic"] = topic
    if data.get("token"):
        clean["secret"] = str(data["token"]).strip()
    return clean


def send(channel, message: Message, session=None, settings=None) -> None:
    headers = {"Title": message.title.encode("utf-8"), "X-AniHome-Idempotency-Key": message.idempotency_key,
               "Content-Type": "text/plain; charset=utf-8"}
    if message.url:
        headers["Click"] = message.url
    if message.unfollow_url:  # a button under the notification (ntfy's "view" action)
        label = (message.unfollow_text or "Unfollow").replace(",", " ").replace(";", " ")
        headers["Actions"] = f"view, {label}, {message.unfollow_url}, clear=true".encode("utf-8")
    if channel.secret:
        headers["Authorization"] = f"Bearer {channel.secret}"
    post(session, f"{channel.url}/{channel.topic}", data=message.body.encode("utf-8"), headers=headers,
         secrets=(channel.secret,), settings=settings)

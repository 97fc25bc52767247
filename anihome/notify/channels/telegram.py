"""Telegram: the Bot API's sendMessage with the member's bot token and chat id.

The bot token sits in the request path, so every error text is redacted before it is
stored or logged. The API's base URL is the owner's NOTIFY_TELEGRAM_API setting.
"""
from __future__ import annotations

import re

from ...errors import AppError
from .base import Message, post

FIELDS = ("token", "chat_id")
SECRET_FIELD = "token"
_TOKEN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")
_CHAT = re.compile(r"^(-?\d{1,20}|@[A-Za-z0-9_]{4,64})$")


def validate(data: dict, settings, partial: bool = False) -> dict:
    clean = {}
    if data.get("token") or not partial:
        token = str(data.get("token") or "").strip()
        if not _TOKEN.match(token):
            raise AppError("A Telegram bot token looks like 123456:ABC-DEF... (from @BotFather).", "token")
        clean["secret"] = token
    if "chat_id" in data or not partial:
        chat = str(data.get("chat_id") or "").strip()
        if not _CHAT.match(chat):
            raise AppError("A Telegram chat id is a number (e.g. 123456789) or @channelname.", "chat_id")
        clean["chat_id"] = chat
    return clean


def send(channel, message: Message, session=None, settings=None) -> None:
    base = (settings or {}).get("NOTIFY_TELEGRAM_API") or "https://api.telegram.org"
    text = f"{message.title}\n{message.body}" + (f"\n{message.url}" if message.url else "")
    if message.unfollow_url:
        text += f"\n\n{message.unfollow_text or 'Unfollow'}: {message.unfollow_url}"
    post(session, f"{base.rstrip('/')}/bot{channel.secret}/sendMessage",
         json={"chat_id": channel.chat_id, "text": text, "disable_web_page_preview": True},
         secrets=(channel.secret,))

"""Email: a plain-text message to the member's address through the owner's SMTP server.

``smtplib`` is imported on first use; connections time out after 5 s; the SMTP password
never appears in an error text.
"""
from __future__ import annotations

import re

from ...errors import AppError
from ...kodik.errors import redact
from .base import TIMEOUT, ChannelError, ChannelRejected, Message

FIELDS = ("address",)
SECRET_FIELD = None
_ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


def validate(data: dict, settings, partial: bool = False) -> dict:
    clean = {}
    if "address" in data or not partial:
        address = str(data.get("address") or "").strip()
        if len(address) > 254 or not _ADDRESS.match(address):
            raise AppError("Enter an email address like name@example.org.", "address")
        clean["address"] = address
    return clean


def send(channel, message: Message, session=None, settings=None, smtp=None) -> None:
    import smtplib
    import ssl
    from email.message import EmailMessage

    from ..household import smtp_settings

    config = smtp or smtp_settings()
    if not config.configured:
        raise ChannelRejected("the owner has not set up an SMTP server yet")
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = config.sender, channel.address, message.title
    mail["Message-ID"] = f"<{message.idempotency_key or 'test'}@anihome>"
    footer = f"\n\n-- \n{message.unfollow_text or 'Unfollow'}: {message.unfollow_url}" if message.unfollow_url else ""
    if message.unfollow_url.startswith(("http://", "https://")):
        mail["List-Unsubscribe"] = f"<{message.unfollow_url}>"  # mail apps show their own button
    mail.set_content(message.body + (f"\n\n{message.url}" if message.url else "") + footer)
    try:
        if config.security == "tls":
            server = smtplib.SMTP_SSL(config.host, config.port, timeout=TIMEOUT,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT)
        with server:
            if config.security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config.username:
                server.login(config.username, config.password)
            server.send_message(mail)
    except smtplib.SMTPAuthenticationError:
        raise ChannelRejected("the SMTP server refused the owner's user name or password") from None
    except smtplib.SMTPRecipientsRefused:
        raise ChannelRejected(f"the SMTP server refused the address {channel.address}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise ChannelError(redact(f"SMTP: {type(exc).__name__}: {exc}", (config.password,))) from None

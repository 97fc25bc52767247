"""Server-side sessions: one record per signed-in browser, so a session can really end.

The browser's cookies (Flask's session and the remember-me cookie) carry only a random key;
the server keeps its SHA-256 with the member, the device, the address and the times. A
request is signed in only while its record exists, has not expired and its member is
active. Ending a session deletes its record: signing out, "sign out everywhere", a password
change, a reset by an admin and disabling a member all delete records, so a copied cookie
stops working and re-enabling a member revives nothing.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import NotFound
from ..models import User, UserSession

log = logging.getLogger(__name__)

SESSION_DAYS = 31  # a sign-in without "remember me"
REMEMBER_DAYS = 365  # with it (the remember-me cookie lives as long)
TOUCH_EVERY = timedelta(minutes=5)  # last-seen is written at most this often per session
MAX_PER_MEMBER = 30  # the oldest records beyond this are dropped at the next sign-in
_KEY_MAX = 100

# (marker in the User-Agent, name shown); the first match wins, so order matters.
BROWSERS = (("YaBrowser/", "Yandex Browser"), ("Edg", "Edge"), ("OPR/", "Opera"),
            ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"),
            ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))
SYSTEMS = (("Tizen", "Smart TV"), ("Web0S", "Smart TV"), ("SMART-TV", "Smart TV"),
           ("Android TV", "Android TV"), ("Android", "Android"), ("iPhone", "iPhone"),
           ("iPad", "iPad"), ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
           ("Linux", "Linux"))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def start(user: User, remember: bool = False, user_agent: str = "", address: str | None = "",
          now: datetime | None = None, screen_id: int | None = None) -> str:
    """Record a new session for ``user`` and return its key (goes into the cookies only);
    ``screen_id``: the household screen it starts on (removing the screen ends it)."""
    now = now or utcnow()
    key = secrets.token_urlsafe(32)
    days = REMEMBER_DAYS if remember else SESSION_DAYS
    with write_transaction():
        UserSession.delete().where((UserSession.user == user.id) & (UserSession.expires_at <= now)).execute()
        record = UserSession.create(user=user.id, key_hash=hash_key(key), remember=bool(remember),
                                    user_agent=(user_agent or "")[:200], address=(address or "")[:64],
                                    screen=screen_id, created_at=now, last_seen_at=now, expires_at=now + timedelta(days=days))
        stale = (UserSession.select(UserSession.id).where(UserSession.user == user.id)
                 .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()).offset(MAX_PER_MEMBER))
        UserSession.delete().where(UserSession.id.in_([row.id for row in stale])).execute()
    user.session_key = key
    events.sessions_ended.send(None, user_id=user.id)  # expired and surplus records were dropped
    log.info("session started user_id=%s session_id=%s remember=%s address=%s",
             user.id, record.id, bool(remember), address or "-")
    return key


def resolve(key: str | None, now: datetime | None = None) -> User | None:
    """The active member whose live session has this key (its last-seen time refreshed), else None."""
    if not key or not isinstance(key, str) or len(key) > _KEY_MAX:
        return None
    now = now or utcnow()
    record = (UserSession.select(UserSession, User).join(User)
              .where(UserSession.key_hash == hash_key(key)).first())
    if record is None or record.expires_at <= now or not record.user.is_active:
        return None
    if now - record.last_seen_at >= TOUCH_EVERY:
        with write_transaction():
            UserSession.update(last_seen_at=now).where(UserSession.id == record.id).execute()
    user = record.user
    user.session_key = key
    user.session_expires_at = record.expires_at
    return user


def end(key: str | None) -> None:
    """End the session with this key (signing out); nothing happens for an unknown key."""
    if not key or not isinstance(key, str) or len(key) > _KEY_MAX:
        return
    with write_transaction():
        count = UserSession.delete().where(UserSession.key_hash == hash_key(key)).execute()
    if count:
        events.sessions_ended.send(None, user_id=None)
        log.info("session ended reason=sign-out")


def revoke(user_id: int, session_id: int) -> None:
    """End one of the member's own sessions (the account page's "sign out" on a device)."""
    with write_transaction():
        count = UserSession.delete().where((UserSession.id == session_id)
                                           & (UserSession.user == user_id)).execute()
    if not count:
        raise NotFound("No such session.")
    events.sessions_ended.send(None, user_id=user_id)
    log.info("session revoked user_id=%s session_id=%s", user_id, session_id)


def revoke_all(user_id: int, keep_key: str | None = None, reason: str = "") -> int:
    """End every session of a member, except the one with ``keep_key``; returns how many.

    Call inside the caller's ``write_transaction()`` when it must commit with other changes.
    """
    query = UserSession.delete().where(UserSession.user == user_id)
    if keep_key:
        query = query.where(UserSession.key_hash != hash_key(keep_key))
    with write_transaction():
        count = query.execute()
    events.sessions_ended.send(None, user_id=user_id)
    log.info("sessions revoked user_id=%s count=%s reason=%s", user_id, count, reason or "-")
    return count


def active(user_id: int, now: datetime | None = None) -> list[UserSession]:
    """The member's live sessions, most recently used first."""
    now = now or utcnow()
    return list(UserSession.select()
                .where((UserSession.user == user_id) & (UserSession.expires_at > now))
                .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()))


def is_current(record: UserSession, key: str | None) -> bool:
    """True when ``record`` is the session carried by this key (this browser)."""
    return bool(key) and isinstance(key, str) and record.key_hash == hash_key(key)


def describe_device(user_agent: str | None) -> tuple[str | None, str | None]:
    """(browser, system) named from a User-Agent, each None when not recognised."""
    text = user_agent or ""
    browser = next((name for marker, name in BROWSERS if marker in text), None)
    system = next((name for marker, name in SYSTEMS if marker in text), None)
    return browser, system

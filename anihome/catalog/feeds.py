"""Per-member secret tokens for the personal iCal feed URL (``/calendar/<token>.ics``).

The token is the only secret of a read-only feed and must be shown again on the calendar
page, so it is stored as issued (random, 256 bits) rather than hashed; a member can revoke
it or issue a new one at any time, which kills the old URL at once.
"""
from __future__ import annotations

import hmac
import logging
import re
import secrets

from ..clock import utcnow
from ..db import write_transaction
from ..models import CalendarFeed, User

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def feed_token(user_id: int) -> str | None:
    """The member's current feed token, or None when they have none."""
    row = CalendarFeed.get_or_none(CalendarFeed.user == user_id)
    return row.token if row else None


def issue_token(user_id: int) -> str:
    """Create (or replace) the member's feed token; the old URL stops working."""
    token = secrets.token_urlsafe(32)
    with write_transaction():
        CalendarFeed.delete().where(CalendarFeed.user == user_id).execute()
        CalendarFeed.create(user=user_id, token=token, created_at=utcnow())
    log.info("calendar feed token issued user_id=%s", user_id)
    return token


def revoke_token(user_id: int) -> bool:
    """Remove the member's feed token; True when there was one."""
    with write_transaction():
        removed = CalendarFeed.delete().where(CalendarFeed.user == user_id).execute()
    log.info("calendar feed token revoked user_id=%s removed=%s", user_id, removed)
    return bool(removed)


def user_for_token(token: str) -> User | None:
    """The active member a feed token belongs to, or None (malformed, revoked, disabled)."""
    if not token or not _TOKEN.match(token):
        return None
    row = (CalendarFeed.select(CalendarFeed, User).join(User)
           .where(CalendarFeed.token == token).first())
    if row is None or not hmac.compare_digest(row.token, token) or not row.user.is_active:
        return None
    return row.user

"""Household screens: a shared TV or tablet where members pick their profile ("Who's watching?").

The owner marks a device as a household screen: it gets a random token in a long-lived
cookie, the server keeps its SHA-256 (like sessions and API tokens), and the owner can list
and revoke screens. On a screen, the picker shows the household's active members; choosing one
starts a fresh session for that member (``session_records.start``) after the caller ends the
previous one, so a kid never inherits the owner's session. Rules (``profile_state``):

- a kid's profile (a plain member with an age cap under 18) opens without a PIN, unless the
  kid set one;
- everyone else needs their PIN; without one the profile shows "needs a PIN" and cannot be
  chosen (the member sets it on their account page, after re-entering their password).

PIN checks are throttled per (member, screen), per screen and per member (``pins.PinThrottle``).
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, Forbidden, NotFound
from ..models import HouseholdScreen, User, UserSession
from ..models.accounts import ROLE_LEVEL
from .pins import PinThrottle, check_pin
from .session_records import hash_key

log = logging.getLogger(__name__)

KID_AGE_CAP_BELOW = 18  # a plain member capped under this age is a kid
SCREEN_DAYS = 365 * 5  # the screen cookie's lifetime; revoking deletes the row anyway
TOUCH_EVERY = timedelta(minutes=5)
MAX_SCREENS = 20
_KEY_MAX = 100

OPEN, PIN, NEEDS_PIN = "open", "pin", "needs_pin"


def is_kid(user: User) -> bool:
    return user.role == "member" and user.age_cap is not None and user.age_cap < KID_AGE_CAP_BELOW


def profile_state(user: User) -> str:
    """``pin`` (has a PIN), ``open`` (a kid without one) or ``needs_pin`` (an adult without one)."""
    if user.pin_hash:
        return PIN
    return OPEN if is_kid(user) else NEEDS_PIN


def profiles() -> list[dict]:
    """The household's active members for the picker: name, initial, kid or not, state."""
    users = list(User.select().where(User.is_active == True))  # noqa: E712
    users.sort(key=lambda u: (is_kid(u), -ROLE_LEVEL.get(u.role, -1), u.username_key))
    return [{"id": u.id, "name": u.username, "initial": u.username[:1].upper(), "kid": is_kid(u),
             "state": profile_state(u), "hue": sum(map(ord, u.username_key)) * 47 % 360} for u in users]


# --- screens -------------------------------------------------------------------------------

def _require_owner(actor: User) -> None:
    if actor is None or not actor.has_role("owner"):
        raise Forbidden("Only the owner can manage household screens.")


def register(actor: User, user_agent: str = "", address: str | None = "",
             now: datetime | None = None) -> str:
    """Mark the actor's device as a household screen; returns the token for its cookie."""
    _require_owner(actor)
    if HouseholdScreen.select().count() >= MAX_SCREENS:
        raise AppError("This household already has 20 screens. Remove one first.", "screen")
    key = secrets.token_urlsafe(32)
    with write_transaction():
        screen = HouseholdScreen.create(key_hash=hash_key(key), created_by=actor.id,
                                        user_agent=(user_agent or "")[:200], address=(address or "")[:64],
                                        created_at=now or utcnow())
    log.info("household screen added screen_id=%s by=%s", screen.id, actor.id)
    return key


def resolve(key: str | None, now: datetime | None = None) -> HouseholdScreen | None:
    """The live screen whose cookie carries ``key`` (its last use refreshed), else None."""
    if not key or not isinstance(key, str) or len(key) > _KEY_MAX:
        return None
    screen = HouseholdScreen.get_or_none(HouseholdScreen.key_hash == hash_key(key))
    if screen is None:
        return None
    now = now or utcnow()
    if screen.last_used_at is None or now - screen.last_used_at >= TOUCH_EVERY:
        with write_transaction():
            HouseholdScreen.update(last_used_at=now).where(HouseholdScreen.id == screen.id).execute()
        screen.last_used_at = now
    return screen


def list_screens() -> list[HouseholdScreen]:
    """Every household screen, most recently used first."""
    return sorted(HouseholdScreen.select(), key=lambda s: (s.last_used_at or s.created_at), reverse=True)


def revoke(actor: User, screen_id: int) -> None:
    """Stop a device being a household screen: its cookie stops working and whoever is
    signed in on it through "Who's watching?" is signed out, at once."""
    _require_owner(actor)
    with write_transaction():
        ended = UserSession.delete().where(UserSession.screen == screen_id).execute()
        count = HouseholdScreen.delete().where(HouseholdScreen.id == screen_id).execute()
    if not count:
        raise NotFound("No such screen.")
    events.sessions_ended.send(None, user_id=None)
    log.info("household screen removed screen_id=%s by=%s sessions_ended=%s", screen_id, actor.id, ended)


# --- switching -----------------------------------------------------------------------------

def choose(throttle: PinThrottle, screen: HouseholdScreen | None, target_id: int, pin: str | None) -> User:
    """The member to sign in on this screen, after the household's rules (module docstring).

    The caller ends the screen's current session and starts a new one for the returned member.
    """
    if screen is None:
        raise Forbidden("This device is not a household screen.")
    target = User.get_or_none((User.id == target_id) & (User.is_active == True))  # noqa: E712
    if target is None:
        raise NotFound("No such member.")
    state = profile_state(target)
    if state == NEEDS_PIN:
        raise Forbidden("This profile needs a PIN before it can be chosen here.", "pin")
    if state == PIN:
        check_pin(throttle, target, screen.id, pin)
    log.info("profile chosen screen_id=%s user_id=%s with_pin=%s", screen.id, target.id, state == PIN)
    return target

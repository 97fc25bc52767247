"""Profile PINs for household screens: 4 digits, hashed like passwords, throttled.

A member sets or clears their PIN on the account page after re-entering their password (a
wrong password counts as a failed sign-in, ``accounts.throttle``). Checking a PIN on a
household screen goes through ``PinThrottle``: two ``LoginThrottle``s, one per (member,
screen) pair with growing delays and a cap per screen, one capping failures per member across
every screen. With 10,000 possible PINs and at most ``MEMBER_LIMIT`` guesses per member in
15 minutes, guessing takes weeks, and the member's password still works meanwhile.
"""
from __future__ import annotations

import logging
import re
import time
from typing import Callable

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError
from ..models import User
from .passwords import hash_password, verify_password
from .signin import SignInThrottled
from .throttle import LoginThrottle
from .users import check_may_manage, get_user, username_key

log = logging.getLogger(__name__)

PIN_PATTERN = re.compile(r"^[0-9]{4}$")
FREE_FAILURES = 3  # per (member, screen) before delays start
SCREEN_LIMIT = 10  # failures per screen in 15 minutes, whatever the members
MEMBER_LIMIT = 6  # failures per member in 15 minutes, across every screen


class PinThrottled(AppError):
    """Too many wrong PINs for this member or on this screen."""

    status, code = 429, "rate_limited"

    def __init__(self, retry_after: int):
        super().__init__("Too many wrong PINs. Try again later.", "pin")
        self.retry_after = retry_after


class PinThrottle:
    """Wrong PINs counted per (member, screen) and per member (see the module docstring)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._per_screen = LoginThrottle(FREE_FAILURES, SCREEN_LIMIT, clock=clock)
        self._per_member = LoginThrottle(0, MEMBER_LIMIT, clock=clock)

    @staticmethod
    def _keys(user_id: int, screen_id: int) -> tuple[str, str, str]:
        return f"member:{user_id}", f"screen:{screen_id}", f"pin-of:{user_id}"

    def retry_after(self, user_id: int, screen_id: int) -> int:
        member, screen, member_window = self._keys(user_id, screen_id)
        return max(self._per_screen.retry_after(member, screen),
                   self._per_member.retry_after("pin", member_window))

    def record_failure(self, user_id: int, screen_id: int) -> None:
        member, screen, member_window = self._keys(user_id, screen_id)
        self._per_screen.record_failure(member, screen)
        self._per_member.record_failure("pin", member_window)

    def record_success(self, user_id: int, screen_id: int) -> None:
        member, screen, _ = self._keys(user_id, screen_id)
        self._per_screen.record_success(member, screen)


EXTENSION_KEY = "anihome.pin_throttle"


def pin_throttle(app) -> PinThrottle:
    """The app's PIN throttle, made on first use (tests may set their own first)."""
    throttle = app.extensions.get(EXTENSION_KEY)
    if throttle is None:
        throttle = app.extensions.setdefault(EXTENSION_KEY, PinThrottle())
    return throttle


def validate_pin(pin: str | None) -> str:
    if not isinstance(pin, str) or not PIN_PATTERN.match(pin):
        raise AppError("A PIN is exactly 4 digits.", "pin")
    return pin


def check_pin(throttle: PinThrottle, user: User, screen_id: int, pin: str | None) -> None:
    """Accept ``pin`` for ``user`` on this screen, or raise ``PinThrottled`` / ``AppError``
    (field ``pin``); a wrong or malformed PIN counts as a failure."""
    wait = throttle.retry_after(user.id, screen_id)
    if wait:
        log.warning("pin throttled user_id=%s screen_id=%s retry_after=%s", user.id, screen_id, wait)
        raise PinThrottled(wait)
    good = isinstance(pin, str) and PIN_PATTERN.match(pin) and user.pin_hash \
        and verify_password(user.pin_hash, pin)
    if not good:
        throttle.record_failure(user.id, screen_id)
        log.info("pin wrong user_id=%s screen_id=%s", user.id, screen_id)
        raise AppError("Wrong PIN.", "pin", status=401, code="unauthorized")
    throttle.record_success(user.id, screen_id)


def _check_password(throttle: LoginThrottle, user: User, password: str, address: str | None) -> None:
    key = username_key(user.username)
    wait = throttle.retry_after(key, address)
    if wait:
        raise SignInThrottled(wait)
    if not verify_password(user.password_hash, password or ""):
        throttle.record_failure(key, address)
        raise AppError("The current password is wrong.", "current_password")
    throttle.record_success(key, address)


def set_pin(throttle: LoginThrottle, user_id: int, password: str, pin: str | None,
            address: str | None) -> User:
    """Set the member's own PIN after they re-entered their password."""
    user = get_user(user_id)
    pin = validate_pin(pin)
    _check_password(throttle, user, password, address)
    with write_transaction():
        User.update(pin_hash=hash_password(pin), pin_set_at=utcnow()).where(User.id == user.id).execute()
    log.info("pin set user_id=%s", user.id)
    events.user_changed.send(None, user_id=user.id)
    return get_user(user_id)


def remove_pin(actor: User, user_id: int) -> User:
    """An admin removes a member's forgotten PIN (Admin → Members): a kid's profile opens
    without one again, an adult's waits until they set a new one on their account page."""
    user = get_user(user_id)
    check_may_manage(actor, user.role)
    if user.id == actor.id:
        raise AppError("Change your own PIN on your account page.", "pin")
    with write_transaction():
        User.update(pin_hash=None, pin_set_at=None).where(User.id == user.id).execute()
    log.info("pin removed user_id=%s by=%s", user.id, actor.id)
    events.user_changed.send(None, user_id=user.id)
    return get_user(user_id)


def clear_pin(throttle: LoginThrottle, user_id: int, password: str, address: str | None) -> User:
    """Remove the member's own PIN (a kid's profile opens without one; an adult's cannot be
    chosen on a household screen until a PIN is set again)."""
    user = get_user(user_id)
    _check_password(throttle, user, password, address)
    with write_transaction():
        User.update(pin_hash=None, pin_set_at=None).where(User.id == user.id).execute()
    log.info("pin cleared user_id=%s", user.id)
    events.user_changed.send(None, user_id=user.id)
    return get_user(user_id)

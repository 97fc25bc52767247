"""Sign-in with throttling: the one path from a typed password to a signed-in member.

A throttled attempt is refused before the password is checked and says when to retry.
"""
from __future__ import annotations

import logging

from ..errors import AppError
from ..models import User
from .throttle import LoginThrottle
from .users import AuthenticationFailed, authenticate, change_own_password, get_user, username_key

log = logging.getLogger(__name__)


class SignInThrottled(AppError):
    """Too many recent failures for this account or address."""

    status, code = 429, "rate_limited"

    def __init__(self, retry_after: int):
        super().__init__("Too many failed sign-ins. Try again later.")
        self.retry_after = retry_after


def sign_in(throttle: LoginThrottle, username: str, password: str, address: str | None) -> User:
    """The member with these credentials, or ``SignInThrottled`` / ``AuthenticationFailed``;
    failures (a disabled account's included) count against the (account, address) pair."""
    key = username_key(username or "")
    wait = throttle.retry_after(key, address)
    if wait:
        log.warning("sign-in throttled address=%s retry_after=%s", address, wait)
        raise SignInThrottled(wait)
    try:
        user = authenticate(username, password)
    except AuthenticationFailed:
        throttle.record_failure(key, address)
        log.info("sign-in failed address=%s", address)
        raise
    throttle.record_success(key, address)
    log.info("signed in user_id=%s address=%s", user.id, address)
    return user


def change_password(throttle: LoginThrottle, user_id: int, current: str, new: str,
                    address: str | None, keep_session: str | None = None, keep_tokens: bool = True) -> User:
    """Change one's own password (see ``users.change_own_password``); a wrong current password
    counts as a failed sign-in."""
    key = username_key(get_user(user_id).username)
    wait = throttle.retry_after(key, address)
    if wait:
        raise SignInThrottled(wait)
    try:
        return change_own_password(user_id, current, new, keep_session, keep_tokens)
    except AppError as exc:
        if exc.field == "current_password":
            throttle.record_failure(key, address)
        raise

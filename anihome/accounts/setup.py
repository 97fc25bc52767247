"""First-run setup: until an owner exists, every page leads to the setup page, which creates one
for whoever knows the one-time setup code the server shows (``setup_code``)."""
from __future__ import annotations

import logging

from .. import events
from ..db import write_transaction
from ..errors import AppError, NotFound
from ..models import User
from . import setup_code
from .passwords import check_password_rules, hash_password
from .throttle import LoginThrottle
from .users import insert_user, validate_username

log = logging.getLogger(__name__)


class SetupDone(NotFound):
    """The household already has an owner: the setup page is gone for good."""

    def __init__(self):
        super().__init__("Setup is complete: this household already has an owner.")


def needs_setup() -> bool:
    """True while the household has no owner account."""
    return not User.select().where(User.role == "owner").exists()


def create_owner(username: str, password: str) -> User:
    """Create the first owner; exactly one wins when two requests race (check + insert share
    one write transaction)."""
    name = validate_username(username)
    check_password_rules(password, name)
    password_hash = hash_password(password)
    with write_transaction():
        if not needs_setup():
            raise SetupDone()
        user = insert_user(name, password_hash, "owner", None, signs_in=True)
    log.info("setup complete owner_id=%s", user.id)
    events.user_changed.send(None, user_id=user.id)
    return user


# Wrong setup codes are throttled like sign-ins, under this name instead of an account's.
THROTTLE_KEY = "(setup code)"


def check_setup_code(throttle: LoginThrottle, data_dir: str, code: str | None, address: str | None) -> None:
    """Refuse (403, throttled like sign-ins) anyone who did not type the server's setup code:
    every way of claiming a fresh install (the owner form, restoring an archive) goes through it."""
    wait = throttle.retry_after(THROTTLE_KEY, address)
    if wait:
        raise AppError("Too many wrong setup codes. Try again in a few minutes.", "setup_code",
                       status=429, code="rate_limited")
    if not setup_code.matches(data_dir, code):
        throttle.record_failure(THROTTLE_KEY, address)
        log.warning("setup code wrong address=%s", address)
        raise AppError("That is not the setup code. It is in the server's log, or run anihome setup-code on the server.",
                       "setup_code", status=403, code="forbidden")


def claim_household(throttle: LoginThrottle, data_dir: str, code: str | None, username: str,
                    password: str, address: str | None) -> User:
    """Create the first owner for whoever typed the server's setup code; the code then goes."""
    check_setup_code(throttle, data_dir, code, address)
    user = create_owner(username, password)
    throttle.record_success(THROTTLE_KEY, address)
    setup_code.discard(data_dir)
    return user

"""First-run setup: until an owner exists, every page leads to the setup page, which creates one."""
from __future__ import annotations

import logging

from .. import events
from ..db import write_transaction
from ..errors import NotFound
from ..models import User
from .passwords import check_password_rules, hash_password
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

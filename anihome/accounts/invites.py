"""One-time invite links: an admin presets role and age cap, the invitee picks name and password.

The link carries a random token; only its SHA-256 is stored, so the database never holds a
usable link. An invite expires after ``INVITE_TTL_HOURS``, can be revoked, and is consumed
in the same transaction that creates the member, so it works exactly once.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, NotFound
from ..models import Invite, User
from .passwords import check_password_rules, hash_password
from .users import check_may_manage, insert_user, parse_age_cap, validate_role, validate_username

log = logging.getLogger(__name__)

NOTE_MAX = 100


class InviteGone(AppError):
    """The invite existed but can no longer be used (expired, used or revoked)."""

    status, code = 410, "invite_gone"


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def create_invite(actor: User | None, role: str = "member", age_cap=None, note: str = "",
                  ttl_hours: int = 72, now: datetime | None = None) -> tuple[Invite, str]:
    """Create an invite; returns it with the raw token, which is shown once and never stored."""
    role = validate_role(role)
    age_cap = parse_age_cap(age_cap)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise AppError("The note can have at most 100 characters.", "note")
    if ttl_hours <= 0:
        raise AppError("Invites must stay valid for at least an hour.", "ttl_hours")
    check_may_manage(actor, role)
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    with write_transaction():
        invite = Invite.create(token_hash=token_hash(token), created_by=actor.id if actor else _any_owner(),
                               role=role, age_cap=age_cap, note=note, created_at=now,
                               expires_at=now + timedelta(hours=ttl_hours))
    log.info("invite created invite_id=%s role=%s by=%s", invite.id, role, actor.id if actor else "cli")
    return invite, token


def _any_owner() -> int:
    owner = User.select(User.id).where(User.role == "owner").order_by(User.id).first()
    if owner is None:
        raise AppError("Create the owner account first.")
    return owner.id


def pending_invites(now: datetime | None = None) -> list[Invite]:
    """Invites that can still be used, newest first."""
    now = now or utcnow()
    return list(Invite.select()
                .where(Invite.used_at.is_null(), Invite.revoked_at.is_null(), Invite.expires_at > now)
                .order_by(Invite.created_at.desc(), Invite.id.desc()))


def revoke_invite(actor: User | None, invite_id: int, now: datetime | None = None) -> Invite:
    """Make an unused invite unusable."""
    with write_transaction():
        invite = Invite.get_or_none(Invite.id == invite_id)
        if invite is None:
            raise NotFound("No such invite.")
        check_may_manage(actor, invite.role)
        if invite.used_at is not None:
            raise AppError("This invite has already been used.", status=409, code="conflict")
        if invite.revoked_at is None:
            invite.revoked_at = now or utcnow()
            invite.save()
    log.info("invite revoked invite_id=%s by=%s", invite.id, actor.id if actor else "cli")
    return invite


def _usable(token: str, now: datetime) -> Invite:
    invite = Invite.get_or_none(Invite.token_hash == token_hash(token))
    if invite is None:
        raise NotFound("This invite link is not valid. Check that the whole address was copied.")
    if invite.used_at is not None:
        raise InviteGone("This invite link has already been used.")
    if invite.revoked_at is not None:
        raise InviteGone("This invite link was withdrawn.")
    if invite.expires_at <= now:
        raise InviteGone("This invite link has expired. Ask for a new one.")
    return invite


def check_invite(token: str, now: datetime | None = None) -> Invite:
    """The invite behind ``token`` if it can still be used, else ``NotFound`` / ``InviteGone``."""
    return _usable(token, now or utcnow())


def accept_invite(token: str, username: str, password: str, now: datetime | None = None) -> User:
    """Create the invited member and consume the invite, all in one transaction."""
    check_invite(token, now)
    name = validate_username(username)
    check_password_rules(password, name)
    password_hash = hash_password(password)
    with write_transaction():
        moment = now or utcnow()
        invite = _usable(token, moment)
        user = insert_user(name, password_hash, invite.role, invite.age_cap, signs_in=True)
        consumed = (Invite.update(used_at=moment, used_by=user.id)
                    .where(Invite.id == invite.id, Invite.used_at.is_null()).execute())
        if consumed != 1:  # cannot happen under the write lock; refuse rather than double-use
            raise InviteGone("This invite link has already been used.")
    log.info("invite accepted invite_id=%s user_id=%s role=%s", invite.id, user.id, user.role)
    events.user_changed.send(None, user_id=user.id)
    return user

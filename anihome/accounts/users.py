"""Household members: create, list, change role or age cap, disable, passwords, sign-in check.

One set of functions serves the setup page, the admin pages, invites and the CLI. Functions
that change another member take the acting ``actor`` (a ``User``; ``None`` means the server
operator at the command line) and enforce the household rules:

- admins manage members and moderators; only an owner creates or changes admins and owners;
- nobody disables or demotes themselves;
- the last active owner can be neither disabled nor demoted.

Every change sends ``events.user_changed`` after its transaction commits.
"""
from __future__ import annotations

import logging
import unicodedata

from peewee import IntegrityError

from .. import events, integers
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, Conflict, Forbidden, NotFound
from ..i18n import LANGUAGES
from ..models import ROLES, User
from ..models.accounts import ROLE_LEVEL
from . import session_records, tokens
from .passwords import check_password_rules, hash_password, verify_password

log = logging.getLogger(__name__)

USERNAME_MIN, USERNAME_MAX = 3, 40
USERNAME_PUNCTUATION = "._-"
AGE_CAP_MIN, AGE_CAP_MAX = 0, 21
_UNSET = object()


class AuthenticationFailed(AppError):
    """Unknown username, wrong password or a disabled account: one message and one status for
    all three, so neither names nor a disabled member's password are revealed."""

    status, code = 401, "unauthorized"

    def __init__(self):
        super().__init__("Wrong username or password, or the account is disabled.")


# --- input rules ---------------------------------------------------------------------------

def normalize_username(raw: str | None) -> str:
    """The username as stored: NFKC-normalised and trimmed."""
    return unicodedata.normalize("NFKC", raw or "").strip()


def username_key(username: str) -> str:
    """The case-insensitive identity of a username (unique in the database)."""
    return normalize_username(username).lower()


def validate_username(raw: str | None) -> str:
    """The normalised username, or ``AppError`` on field ``username``."""
    name = normalize_username(raw)
    if not (USERNAME_MIN <= len(name) <= USERNAME_MAX) \
            or not all(ch.isalnum() or ch in USERNAME_PUNCTUATION for ch in name) \
            or not any(ch.isalnum() for ch in name):
        raise AppError("Usernames have 3 to 40 characters: letters, digits, dot, dash or underscore.",
                       "username")
    return name


def validate_role(role: str | None) -> str:
    if role not in ROLES:
        raise AppError("Unknown role.", "role")
    return role


def parse_age_cap(value) -> int | None:
    """An age cap in whole years (0-21) or ``None`` for no cap; ``AppError`` on field ``age_cap``."""
    try:
        return integers.optional(value, "age_cap", AGE_CAP_MIN, AGE_CAP_MAX)
    except AppError:
        raise AppError("The age cap is a whole number of years from 0 to 21, or empty for none.",
                       "age_cap") from None


# --- reading -------------------------------------------------------------------------------

def get_user(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound("No such member.")
    return user


def find_user(username: str) -> User | None:
    """The member with this username (any case), or ``None``."""
    return User.get_or_none(User.username_key == username_key(username))


def get_by_username(username: str) -> User:
    user = find_user(username)
    if user is None:
        raise NotFound("No member with that username.", "username")
    return user


def list_users() -> list[User]:
    """Every member, owners first, then by name."""
    users = list(User.select())
    users.sort(key=lambda u: (-ROLE_LEVEL.get(u.role, -1), u.username_key))
    return users


def count_active_owners(excluding: int | None = None) -> int:
    query = User.select().where((User.role == "owner") & (User.is_active == True))  # noqa: E712
    if excluding is not None:
        query = query.where(User.id != excluding)
    return query.count()


# --- rules ---------------------------------------------------------------------------------

def check_may_manage(actor: User | None, *roles: str) -> None:
    """Raise ``Forbidden`` unless ``actor`` may create or change a member holding ``roles``."""
    if actor is None:
        return
    if not actor.has_role("admin"):
        raise Forbidden("Only admins can manage members.")
    if any(role in ("admin", "owner") for role in roles) and actor.role != "owner":
        raise Forbidden("Only an owner can create or change admins and owners.", "role")


def assignable_roles(actor: User | None) -> tuple[str, ...]:
    """Roles ``actor`` may give to a new or existing member (owners first: highest to lowest)."""
    roles = ROLES if actor is None or actor.role == "owner" else ("member", "moderator")
    return tuple(reversed(roles)) if actor is None or actor.has_role("admin") else ()


def may_manage(actor: User | None, user: User) -> bool:
    """True when ``actor`` may change ``user`` at all (the edit page shows read-only otherwise)."""
    try:
        check_may_manage(actor, user.role)
    except Forbidden:
        return False
    return True


def _check_keeps_owner(user: User, new_role: str, new_active: bool) -> None:
    loses_owner = user.role == "owner" and user.is_active and (new_role != "owner" or not new_active)
    if loses_owner and count_active_owners(excluding=user.id) == 0:
        raise Conflict("The household needs at least one active owner.", "role")


def _check_not_self(actor: User | None, user: User, new_role: str, new_active: bool) -> None:
    if actor is None or actor.id != user.id:
        return
    if not new_active:
        raise AppError("You cannot disable your own account.", "is_active")
    if ROLE_LEVEL[new_role] < ROLE_LEVEL[user.role]:
        raise AppError("You cannot lower your own role.", "role")


def _changed(user_id: int) -> None:
    events.user_changed.send(None, user_id=user_id)


# --- changes -------------------------------------------------------------------------------

def insert_user(username: str, password_hash: str, role: str, age_cap: int | None,
                signs_in: bool = False) -> User:
    """Insert a validated member; call inside ``write_transaction()`` (setup and invites do).

    Hash the password before the transaction starts: scrypt is slow and the write lock is shared.
    """
    if find_user(username) is not None:
        raise Conflict("That username is already taken.", "username")
    now = utcnow()
    try:
        return User.create(username=username, username_key=username_key(username),
                           password_hash=password_hash, role=role, age_cap=age_cap,
                           is_active=True, created_at=now, password_changed_at=now,
                           last_login_at=now if signs_in else None)
    except IntegrityError:
        raise Conflict("That username is already taken.", "username") from None


def create_user(username: str, password: str, role: str = "member", age_cap=None,
                actor: User | None = None) -> User:
    """Create a member after checking the name, password, role, age cap and the actor's rights."""
    name = validate_username(username)
    role = validate_role(role)
    age_cap = parse_age_cap(age_cap)
    check_password_rules(password, name)
    check_may_manage(actor, role)
    password_hash = hash_password(password)
    with write_transaction():
        user = insert_user(name, password_hash, role, age_cap)
    log.info("user created user_id=%s role=%s by=%s", user.id, role, actor.id if actor else "cli")
    _changed(user.id)
    return user


def update_member(actor: User | None, user_id: int, *, role=_UNSET, age_cap=_UNSET) -> User:
    """Change a member's role and/or age cap."""
    if role is not _UNSET:
        validate_role(role)
    if age_cap is not _UNSET:
        age_cap = parse_age_cap(age_cap)
    with write_transaction():
        user = get_user(user_id)
        new_role = user.role if role is _UNSET else role
        _check_not_self(actor, user, new_role, user.is_active)
        check_may_manage(actor, user.role, new_role)
        _check_keeps_owner(user, new_role, user.is_active)
        user.role = new_role
        if age_cap is not _UNSET:
            user.age_cap = age_cap
        user.save()
    log.info("user updated user_id=%s role=%s age_cap=%s by=%s", user.id, user.role, user.age_cap,
             actor.id if actor else "cli")
    _changed(user.id)
    return user


def set_active(actor: User | None, user_id: int, active: bool) -> User:
    """Disable (ends all the member's sessions for good) or enable an account (revives none)."""
    with write_transaction():
        user = get_user(user_id)
        _check_not_self(actor, user, user.role, active)
        check_may_manage(actor, user.role)
        _check_keeps_owner(user, user.role, active)
        user.is_active = bool(active)
        user.save()
        if not active:
            session_records.revoke_all(user.id, reason="disabled")
    log.info("user %s user_id=%s by=%s", "enabled" if active else "disabled", user.id,
             actor.id if actor else "cli")
    _changed(user.id)
    return user


def _store_password(user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    user.password_changed_at = utcnow()
    user.save()


def set_password(actor: User | None, user_id: int, password: str) -> User:
    """Reset a member's password (admin page, CLI): all their sessions and API tokens end, since
    a reset usually means the old password (and what was made with it) is not to be trusted."""
    user = get_user(user_id)
    check_may_manage(actor, user.role)
    check_password_rules(password, user.username)
    password_hash = hash_password(password)
    with write_transaction():
        user = get_user(user_id)
        check_may_manage(actor, user.role)
        _store_password(user, password_hash)
        session_records.revoke_all(user.id, reason="password-reset")
        tokens.revoke_all_for_user(user)
    log.info("password reset user_id=%s by=%s", user.id, actor.id if actor else "cli")
    _changed(user.id)
    return user


def change_own_password(user_id: int, current: str, new: str, keep_session: str | None = None,
                        keep_tokens: bool = True) -> User:
    """A member changes their own password; the current one must match. Every other session
    ends (``keep_session`` is this browser's key); API tokens end too unless ``keep_tokens``."""
    user = get_user(user_id)
    if not verify_password(user.password_hash, current or ""):
        raise AppError("The current password is wrong.", "current_password")
    check_password_rules(new, user.username, field="new_password")
    if verify_password(user.password_hash, new):
        raise AppError("The new password is the same as the current one.", "new_password")
    password_hash = hash_password(new)
    with write_transaction():
        user = get_user(user_id)
        _store_password(user, password_hash)
        session_records.revoke_all(user.id, keep_key=keep_session, reason="password-change")
        if not keep_tokens:
            tokens.revoke_all_for_user(user)
    log.info("password changed user_id=%s tokens_kept=%s", user.id, bool(keep_tokens))
    _changed(user.id)
    return user


def set_locale(user_id: int, language: str) -> User:
    """Remember a member's interface language."""
    if language not in LANGUAGES:
        raise AppError("Unknown language.", "language")
    with write_transaction():
        user = get_user(user_id)
        user.locale = language
        user.save()
    _changed(user.id)
    return user


TITLE_LANGUAGES = ("ru", "romaji", "en")


def set_title_language(user_id: int, choice: str) -> User:
    """Remember which of a release's titles the member reads first (see m0013)."""
    if choice not in TITLE_LANGUAGES:
        raise AppError("Choose Russian, romaji or English titles.", "title_language")
    with write_transaction():
        user = get_user(user_id)
        user.title_language = choice
        user.save()
    log.info("title language set user_id=%s title_language=%s", user.id, choice)
    _changed(user.id)
    return user


def authenticate(username: str, password: str) -> User:
    """The active member with these credentials (last sign-in recorded), else
    ``AuthenticationFailed`` -- the same answer for a disabled account with the right password."""
    user = find_user(username or "")
    if not verify_password(user.password_hash if user else None, password or "") or not user.is_active:
        raise AuthenticationFailed()
    now = utcnow()
    with write_transaction():
        User.update(last_login_at=now).where(User.id == user.id).execute()
    user.last_login_at = now
    return user

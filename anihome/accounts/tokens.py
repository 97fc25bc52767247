"""Personal API tokens: create, authenticate, list and revoke.

A token is ``ah_`` + 43 URL-safe characters (32 random bytes). Only its SHA-256 hash is
stored, with a short prefix so a member can tell tokens apart; the plain text is shown
once, at creation. Authentication looks the hash up and compares it in constant time;
revoked tokens and tokens of disabled members never authenticate. Last use is recorded,
written at most once per minute per token so busy clients do not cause a write per call.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, NotFound
from ..models import ApiToken, User

log = logging.getLogger(__name__)

TOKEN_PREFIX = "ah_"
PREFIX_LENGTH = 10  # "ah_" + 7 characters, shown in lists
LABEL_MAX = 60
MAX_ACTIVE_TOKENS = 50
LAST_USED_EVERY = timedelta(minutes=1)
_TOKEN_LENGTH = len(TOKEN_PREFIX) + 43


def hash_token(plaintext: str) -> str:
    """The stored form of a token: hex SHA-256 of its text."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def clean_label(label: str | None) -> str:
    """A label trimmed and checked for length (raises AppError naming ``label``)."""
    label = " ".join((label or "").split())
    if len(label) > LABEL_MAX:
        raise AppError(f"The label is longer than {LABEL_MAX} characters.", field="label")
    return label


def create(user: User, label: str | None = "", now: datetime | None = None) -> tuple[str, ApiToken]:
    """Make a token for ``user``; returns the plain text (show it once) and the stored row."""
    label = clean_label(label)
    if not user.is_active:
        raise AppError("Tokens cannot be created for a disabled member.", field="user")
    with write_transaction():
        active = ApiToken.select().where((ApiToken.user == user) & ApiToken.revoked_at.is_null()).count()
        if active >= MAX_ACTIVE_TOKENS:
            raise AppError(f"A member can hold at most {MAX_ACTIVE_TOKENS} active tokens; revoke one first.",
                           field="label", code="too_many_tokens")
        plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.create(user=user, label=label, token_hash=hash_token(plaintext),
                                prefix=plaintext[:PREFIX_LENGTH], created_at=now or utcnow())
    log.info("api token created token_id=%s user_id=%s", token.id, user.id)
    return plaintext, token


def authenticate(plaintext: str | None, now: datetime | None = None) -> ApiToken | None:
    """The live token for ``plaintext`` (its ``user`` loaded), or None; records last use."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) != _TOKEN_LENGTH:
        return None
    digest = hash_token(plaintext)
    token = (ApiToken.select(ApiToken, User).join(User)
             .where(ApiToken.token_hash == digest).first())
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    _touch(token, now or utcnow())
    return token


def record_use(token: ApiToken, now: datetime | None = None) -> None:
    """Record a use of an already authenticated token (at most one write a minute)."""
    _touch(token, now or utcnow())


def _touch(token: ApiToken, now: datetime) -> None:
    """Record the use, unless it was already recorded within the last minute."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    with write_transaction():
        (ApiToken.update(last_used_at=now)
         .where((ApiToken.id == token.id) &
                (ApiToken.last_used_at.is_null() | (ApiToken.last_used_at < now - LAST_USED_EVERY)))
         .execute())
    token.last_used_at = now


def for_user_query(user: User, include_revoked: bool = False):
    """The member's tokens, newest first, as a query (the API pages through it)."""
    query = ApiToken.select().where(ApiToken.user == user)
    if not include_revoked:
        query = query.where(ApiToken.revoked_at.is_null())
    return query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())


def list_for_user(user: User, include_revoked: bool = False) -> list[ApiToken]:
    """The member's tokens, newest first."""
    return list(for_user_query(user, include_revoked))


def get_for_user(user: User, token_id: int) -> ApiToken:
    """One of the member's own tokens (NotFound for anyone else's)."""
    token = ApiToken.get_or_none((ApiToken.id == token_id) & (ApiToken.user == user))
    if token is None:
        raise NotFound("No such token.", field="id")
    return token


def find(id_or_prefix: str) -> ApiToken:
    """A token by its id or its displayed prefix (for the CLI); NotFound or ambiguous -> AppError."""
    text = (id_or_prefix or "").strip()
    if text.isdigit():
        token = ApiToken.get_or_none(ApiToken.id == int(text))
        if token is None:
            raise NotFound(f"No token with id {text}.", field="token")
        return token
    if len(text) < 4:
        raise AppError("Give a token id or at least 4 characters of its prefix.", field="token")
    matches = list(ApiToken.select().where(ApiToken.prefix.startswith(text[:PREFIX_LENGTH])).limit(2))
    if len(text) > PREFIX_LENGTH:  # the whole token was given: match it exactly
        matches = [t for t in matches if hmac.compare_digest(t.token_hash, hash_token(text))]
    if not matches:
        raise NotFound(f"No token starts with {text[:PREFIX_LENGTH]!r}.", field="token")
    if len(matches) > 1:
        raise AppError(f"More than one token starts with {text!r}; use the id.", field="token")
    return matches[0]


def revoke(token: ApiToken, now: datetime | None = None) -> ApiToken:
    """Stop ``token`` from authenticating (idempotent)."""
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        with write_transaction():
            ApiToken.update(revoked_at=token.revoked_at).where(
                (ApiToken.id == token.id) & ApiToken.revoked_at.is_null()).execute()
        log.info("api token revoked token_id=%s user_id=%s", token.id, token.user_id)
        events.user_changed.send(None, user_id=token.user_id)  # drops cached authentications
    return token


def revoke_for_user(user: User, token_id: int, now: datetime | None = None) -> ApiToken:
    """Revoke one of the member's own tokens."""
    return revoke(get_for_user(user, token_id), now)


def revoke_all_for_user(user: User, now: datetime | None = None) -> int:
    """Revoke every live token of ``user`` (e.g. when the member is disabled); returns how many."""
    with write_transaction():
        count = (ApiToken.update(revoked_at=now or utcnow())
                 .where((ApiToken.user == user) & ApiToken.revoked_at.is_null()).execute())
    if count:
        log.info("api tokens revoked user_id=%s count=%s", user.id, count)
        events.user_changed.send(None, user_id=user.id)
    return count

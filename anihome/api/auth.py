"""Who is calling the API, and may they call this route.

A caller is identified by ``Authorization: Bearer <token>`` or, without that header, by
the signed-in browser session (so the web UI's JavaScript can use the API). Session
callers must send the CSRF token in ``X-CSRFToken`` for POST/PUT/PATCH/DELETE; bearer
callers need none. Each route's declared access level is enforced here: no or bad
credentials -> 401 with ``WWW-Authenticate: Bearer``, too low a role -> 403.
"""
from __future__ import annotations

from flask import current_app, g
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..security.access import decide, level_of
from ..accounts import tokens
from ..cache import get_cache
from ..error_responses import json_error

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_CHALLENGE = 'Bearer realm="AniHome"'


class Caller:
    """Who is calling: ``user`` and ``token`` (or None), ``auth`` ("token", "session" or
    None) and ``error`` (a message when credentials were sent but are not valid)."""

    __slots__ = ("user", "token", "auth", "error")

    def __init__(self, user=None, token=None, auth: str | None = None, error: str | None = None):
        self.user, self.token, self.auth, self.error = user, token, auth, error

    def rate_key(self, remote_addr: str | None) -> str:
        """The rate-limit bucket: the token, else the signed-in member, else the client address."""
        if self.token is not None:
            return f"token:{self.token.id}"
        if self.user is not None:
            return f"user:{self.user.id}"
        return f"addr:{remote_addr or 'unknown'}"


_ANONYMOUS = Caller()


def current_caller() -> Caller:
    return g.get("api_caller") or _ANONYMOUS


def current_api_user():
    """The member making this API call (a ``User``), or None when anonymous."""
    return current_caller().user


def current_api_token():
    """The ``ApiToken`` used for this call, or None (session or anonymous)."""
    return current_caller().token


TOKEN_CACHE_SECONDS = 60


def identify(environ: dict) -> Caller:
    """The caller of this request, from its Authorization header or signed-in session."""
    header = environ.get("HTTP_AUTHORIZATION")
    if header is not None:
        scheme, _, credentials = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            return Caller(error="Send the token as: Authorization: Bearer <token>.")
        token = _authenticate(credentials.strip())
        if token is None:
            return Caller(error="The token is not valid: it may have been revoked or its member disabled.")
        return Caller(token.user, token, "token")
    if current_user and current_user.is_authenticated:
        return Caller(current_user._get_current_object(), None, "session")
    return _ANONYMOUS


def _authenticate(credentials: str):
    """``tokens.authenticate`` behind the app cache for a minute: the lookup was over half the
    cost of a cached API call. Revoking a token or changing its member sends ``user_changed``,
    which drops the entry at once (tag ``user:<id>``)."""
    cache = get_cache(current_app)
    key = "api-token:" + tokens.hash_token(credentials)
    token = cache.get(key)
    if token is not None:
        tokens.record_use(token)
        return token
    token = tokens.authenticate(credentials)
    if token is not None:
        cache.set(key, token, ttl=TOKEN_CACHE_SECONDS, tags=(f"user:{token.user_id}",))
    return token


def unauthorized(message: str, code: str = "unauthorized"):
    """A 401 JSON answer with the Bearer challenge."""
    challenge = _CHALLENGE + (', error="invalid_token"' if code == "invalid_token" else "")
    return json_error(401, message, code, headers={"WWW-Authenticate": challenge})


def enforce(caller: Caller, app, endpoint: str | None, method: str):
    """None when the call may go on, else the 401/403/400 answer."""
    if endpoint is None or method == "OPTIONS":
        return None  # routing answers 404/405 itself; OPTIONS only lists methods
    if caller.error:
        return unauthorized(caller.error, "invalid_token")
    level = level_of(app, endpoint)
    verdict = decide(level, caller.user)
    if verdict == "unauthenticated":
        return unauthorized("This route needs an API token: send Authorization: Bearer <token>.")
    if verdict == "forbidden":
        if level is None:
            return json_error(403, "This route declares no access level, so it is closed.")
        return json_error(403, f"This route needs the {level} role or above.")
    if caller.auth == "session" and method in UNSAFE_METHODS:
        return _check_csrf()
    return None


def _check_csrf():
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return None
    try:
        current_app.extensions["anihome.csrf"].protect()
    except CSRFError as exc:
        return json_error(400, f"{exc.description} Send it in the X-CSRFToken header.", "csrf_failed")
    return None

"""Who is calling the API, and may they call this route.

A caller is identified by ``Authorization: Bearer <token>`` or, without that header, by
the signed-in browser session (so the web UI's JavaScript can use the API). Session
callers must send the CSRF token in ``X-CSRFToken`` for POST/PUT/PATCH/DELETE; bearer
callers need none. Each route's declared access level is enforced here: no or bad
credentials -> 401 with ``WWW-Authenticate: Bearer``, too low a role -> 403.
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..access import decide, level_of
from ..accounts import tokens
from ..cache import get_cache
from ..errors import json_error

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_CHALLENGE = 'Bearer realm="AniHome"'


def current_api_user():
    """The member making this API call (a ``User``), or None when anonymous."""
    return g.get("api_user")


def current_api_token():
    """The ``ApiToken`` used for this call, or None (session or anonymous)."""
    return g.get("api_token")


TOKEN_CACHE_SECONDS = 60


def identify() -> None:
    """Set ``g.api_user``, ``g.api_token``, ``g.api_auth`` ("token", "session" or None)
    and ``g.api_auth_error`` (a message when credentials were sent but are not valid)."""
    g.api_user = g.api_token = g.api_auth = g.api_auth_error = None
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, credentials = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            g.api_auth_error = "Send the token as: Authorization: Bearer <token>."
            return
        token = _authenticate(credentials.strip())
        if token is None:
            g.api_auth_error = "The token is not valid: it may have been revoked or its member disabled."
            return
        g.api_token, g.api_user, g.api_auth = token, token.user, "token"
        return
    if current_user and current_user.is_authenticated:
        g.api_user, g.api_auth = current_user._get_current_object(), "session"


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


def rate_key() -> str:
    """The rate-limit bucket: the token, else the signed-in member, else the client address."""
    if g.get("api_token") is not None:
        return f"token:{g.api_token.id}"
    if g.get("api_user") is not None:
        return f"user:{g.api_user.id}"
    return f"addr:{request.remote_addr or 'unknown'}"


def unauthorized(message: str, code: str = "unauthorized"):
    """A 401 JSON answer with the Bearer challenge."""
    challenge = _CHALLENGE + (', error="invalid_token"' if code == "invalid_token" else "")
    return json_error(401, message, code, headers={"WWW-Authenticate": challenge})


def enforce():
    """None when the call may go on, else the 401/403/400 answer (run after ``identify``)."""
    endpoint = request.endpoint
    if endpoint is None or request.method == "OPTIONS":
        return None  # routing answers 404/405 itself; OPTIONS only lists methods
    if g.api_auth_error:
        return unauthorized(g.api_auth_error, "invalid_token")
    level = level_of(current_app, endpoint)
    verdict = decide(level, g.api_user)
    if verdict == "unauthenticated":
        return unauthorized("This route needs an API token: send Authorization: Bearer <token>.")
    if verdict == "forbidden":
        if level is None:
            return json_error(403, "This route declares no access level, so it is closed.")
        return json_error(403, f"This route needs the {level} role or above.")
    if g.api_auth == "session" and request.method in UNSAFE_METHODS:
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

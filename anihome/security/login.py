"""Sessions, sign-in state and CSRF: flask-login and Flask-WTF's CSRFProtect, wired once.

flask-login's "user id" is the key of a server-side session record
(``anihome.accounts.session_records``), in the session cookie and the remember-me cookie
alike; a request is signed in only while that record lives. Sign-in and sign-out in a
browser go through ``sign_in_browser`` and ``sign_out_browser``.
"""
from __future__ import annotations

from datetime import timedelta

import copy

from flask import current_app, request, session
from flask_login import LoginManager, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from ..accounts import session_records
from ..models import User
from .sessions import CookieSessionInterface


def session_id_for(user: User, remember: bool = False) -> str:
    """Start a server-side session for ``user`` outside a sign-in form (tests, tools); its key."""
    return session_records.start(user, remember)


SESSION_CACHE_SECONDS = 10  # a resolved sign-in is reused this long (dropped at once by the signals below)


def load_session_user(session_key: str) -> User | None:
    """The member of this session key, through the app cache: resolving it is a query per
    request, and every signed-in page needs it. The entry is dropped when any session ends
    (``sessions_ended``) or the member changes (``user_changed``: disabled, new role or cap);
    an expired record is refused on every hit. Each request gets its own copy of the row."""
    from ..cache import get_cache
    from ..clock import utcnow

    if not session_key or not isinstance(session_key, str) or len(session_key) > 100:
        return None
    cache = get_cache(current_app)
    key = "session:" + session_records.hash_key(session_key)
    found = cache.get(key)
    if found is None:
        user = session_records.resolve(session_key)
        if user is None:
            return None
        found = (user, user.session_expires_at)
        cache.set(key, found, ttl=SESSION_CACHE_SECONDS, tags=("sessions", f"user:{user.id}"))
    user, expires_at = found
    if expires_at is None or expires_at <= utcnow():
        cache.delete(key)
        return None
    return _own_copy(user)


def _remembered_identifier(create):
    """flask-login's session-protection identifier (a SHA-512 of the address and User-Agent,
    computed on every signed-in request), remembered per (address, User-Agent)."""
    import threading

    known: dict[tuple, str] = {}
    lock = threading.Lock()

    def identifier() -> str:
        environ = request.environ
        key = (environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR")), environ.get("HTTP_USER_AGENT"))
        found = known.get(key)
        if found is None:
            found = create()
            with lock:
                if len(known) >= 1024:
                    known.clear()
                known[key] = found
        return found

    identifier.known = known  # read by the page fast path (web/page_fast.py)
    return identifier


def _own_copy(user: User) -> User:
    """A copy of a cached row that one request may change without touching the others'."""
    mine = copy.copy(user)
    mine.__data__ = dict(user.__data__)
    mine._dirty = set(user._dirty)
    mine.__rel__ = dict(user.__rel__)
    return mine


def sign_in_browser(user: User, remember: bool = False, screen_id: int | None = None) -> None:
    """Start a session record for this browser and sign it in (cookies carry only its key);
    ``screen_id`` when the member chose their profile on a household screen."""
    session_records.start(user, remember, request.user_agent.string, request.remote_addr, screen_id=screen_id)
    login_user(user, remember=remember)


def current_session_key() -> str | None:
    """The session key this browser is signed in with, if any."""
    return session.get("_user_id")


def sign_out_browser() -> None:
    """End this browser's session record, then its cookies (remember-me included)."""
    session_records.end(current_session_key())
    logout_user()


def init_security(app) -> None:
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["SESSION_COOKIE_SECURE"],
        SESSION_COOKIE_NAME="anihome_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=app.config["SESSION_COOKIE_SECURE"],
        REMEMBER_COOKIE_DURATION=timedelta(days=session_records.REMEMBER_DAYS),
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.session_interface = CookieSessionInterface()
    login = LoginManager()
    login.login_view = "auth.login"
    login.login_message = None
    login.session_protection = "basic"
    login.user_loader(load_session_user)
    login._session_identifier_generator = _remembered_identifier(login._session_identifier_generator)
    login.init_app(app)

    csrf = CSRFProtect()
    csrf.init_app(app)
    app.extensions["anihome.csrf"] = csrf

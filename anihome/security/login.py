"""Sessions, sign-in state and CSRF: flask-login and Flask-WTF's CSRFProtect, wired once.

The session id embeds a fingerprint of the password hash, so changing a password (or an
admin resetting it) signs the member out everywhere else.
"""
from __future__ import annotations

import hashlib

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from ..models import User
from .sessions import CookieSessionInterface


def session_id_for(user: User) -> str:
    fingerprint = hashlib.sha256(user.password_hash.encode()).hexdigest()[:12]
    return f"{user.id}:{fingerprint}"


def load_session_user(session_id: str) -> User | None:
    user_id, _, fingerprint = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = User.get_or_none(User.id == int(user_id))
    if user is None or not user.is_active or session_id_for(user) != session_id:
        return None
    return user


def init_security(app) -> None:
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["SESSION_COOKIE_SECURE"],
        SESSION_COOKIE_NAME="anihome_session",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.session_interface = CookieSessionInterface()
    login = LoginManager()
    login.login_view = "auth.login"
    login.login_message = None
    login.session_protection = "basic"
    login.user_loader(load_session_user)
    login.init_app(app)

    csrf = CSRFProtect()
    csrf.init_app(app)
    app.extensions["anihome.csrf"] = csrf

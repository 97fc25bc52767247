"""Who may call a route: every view declares one access level, enforced in one place.

Levels: ``public`` (anyone), ``member`` (signed in), ``moderator``, ``admin`` (admin or
owner), ``owner``, and ``token`` (API routes: a personal API token or a signed-in
session). A view without a declared level is refused (fail closed); a test walks
``app.url_map`` to make sure none is missing.
"""
from __future__ import annotations

from typing import Callable

LEVELS = ("public", "member", "moderator", "admin", "owner", "token")
ROLE_FOR_LEVEL = {"member": "member", "token": "member", "moderator": "moderator",
                  "admin": "admin", "owner": "owner"}

# Endpoints Flask itself adds.
BUILTIN_LEVELS = {"static": "public"}


def access(level: str) -> Callable:
    """Declare the access level of a view function."""
    if level not in LEVELS:
        raise ValueError(f"unknown access level {level!r}")

    def mark(view: Callable) -> Callable:
        view.access_level = level
        return view

    return mark


def level_of(app, endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint in BUILTIN_LEVELS:
        return BUILTIN_LEVELS[endpoint]
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_level", None)


def decide(level: str | None, user) -> str:
    """'ok', 'unauthenticated' or 'forbidden' for ``user`` (None when anonymous)."""
    if level == "public":
        return "ok"
    if level is None:
        return "forbidden"
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return "unauthenticated"
    return "ok" if user.has_role(ROLE_FOR_LEVEL[level]) else "forbidden"

"""Jinja globals: the translation function, the language, the app version, time formatting."""
from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user

from ..dates import display, local
from ..i18n import LANGUAGES, pick_language, translate
from ..version import __version__


def current_language() -> str:
    if "language" not in g:
        locale = getattr(current_user, "locale", None) if current_user else None
        g.language = pick_language(locale, request.cookies.get("lang"), request.accept_languages)
    return g.language


def gettext(text: str, **values) -> str:
    return translate(current_language(), text, **values)


def error_text(exc) -> str:
    """A service's ``AppError`` in the member's language: its template translated, then filled."""
    return gettext(getattr(exc, "template", exc.message), **(getattr(exc, "values", None) or {}))


def _datetime(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return display(value, fmt)


def _localtime(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time on the household's clock (the ``TIMEZONE`` setting)."""
    return display(local(value, current_app.config.get("TIMEZONE")), fmt)


def init_templating(app) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.filters["localtime"] = _localtime

    @app.context_processor
    def _globals():
        return {"_": gettext, "current_language": current_language(),
                "languages": LANGUAGES, "app_version": __version__}

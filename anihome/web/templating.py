"""Jinja globals: the translation function, the language, the app version, time formatting."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app, g, request
from flask_login import current_user

from ..clock import utcnow
from ..dates import display, human, local, parse
from ..i18n import LANGUAGES, pick_language, translate
from ..numbers import number
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


def _today() -> date:
    return local(utcnow(), current_app.config.get("TIMEZONE")).date()


def _datetime(value, fmt: str | None = None) -> str:
    """A time as stored (``30 ноября, 17:01`` / ``Nov 30, 17:01`` in the page's language, the
    year only when it is not this year); ``fmt`` (strftime) for the few places that need digits."""
    if fmt:
        return display(value, fmt)
    return human(value, current_language(), today=_today())


def _localtime(value, fmt: str | None = None) -> str:
    """A stored (UTC) time on the household's clock (the ``TIMEZONE`` setting); ISO text too."""
    moment = parse(value)
    if isinstance(moment, datetime):
        moment = local(moment, current_app.config.get("TIMEZONE"))
    return _datetime(moment, fmt)


def _day(value, year: bool = False, relative: bool = False) -> str:
    """A date (or a stored UTC time's day on the household's clock): ``7 января``, with the
    year when it is not this year or ``year`` is set (an air date beside the release's year);
    ``relative`` says "Today" / "Yesterday" for those two days (day headings)."""
    moment = parse(value)
    if isinstance(moment, datetime):
        moment = local(moment, current_app.config.get("TIMEZONE"))
    today = _today()
    if relative and moment is not None:
        day = moment.date() if isinstance(moment, datetime) else moment
        if (today - day).days in (0, 1):
            return gettext("Today" if day == today else "Yesterday")
    return human(moment, current_language(), today=None if year else today, with_time=False)


def _number(value, digits: int = 0) -> str:
    """``76 288`` / ``1,5`` in Russian, ``76,288`` / ``1.5`` in English."""
    return number(value, current_language(), digits)


def init_templating(app) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.filters["localtime"] = _localtime
    app.jinja_env.filters["day"] = _day
    app.jinja_env.filters["number"] = _number

    @app.context_processor
    def _globals():
        return {"_": gettext, "current_language": current_language(),
                "languages": LANGUAGES, "app_version": __version__}

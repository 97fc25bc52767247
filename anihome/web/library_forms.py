"""Helpers shared by the library's HTML views: form actions that turn a service's AppError into
a flashed message and go back (through ``safe_redirect.next_or``) instead of an error page."""
from __future__ import annotations

from functools import wraps

from flask import flash, redirect, request

from .. import integers
from ..errors import AppError, NotFound
from .safe_redirect import next_or
from .templating import error_text



def form_action(default: str):
    """Run a POST view; on a member's mistake flash it and go back, on success go back too."""
    def decorate(view):
        @wraps(view)
        def run(*args, **kwargs):
            try:
                result = view(*args, **kwargs)
            except NotFound:
                raise
            except AppError as exc:
                flash(error_text(exc), "error")
                return redirect(next_or(default))
            if result is None:
                return redirect(next_or(default))
            return result
        return run
    return decorate


def int_field(name: str, required: bool = True):
    """A whole number from the form, None when empty and not required."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        if required:
            raise AppError(f"{name} is required.", name)
        return None
    return integers.whole(raw, name)


def episode_field(name: str) -> tuple[int, int]:
    """(season, episode) from a form value like ``2-5`` (the episode pickers' option values)."""
    season, sep, number = (request.form.get(name) or "").strip().partition("-")
    if not sep or not season.isdigit() or not number.isdigit():
        raise AppError("Choose an episode.", name)
    return int(season), int(number)

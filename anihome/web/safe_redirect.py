"""Where to go after a form: only paths on this site, so ``?next=`` cannot be an open redirect.

The one helper for every ``next`` (sign-in, language switch, the library's forms): tested once
in tests/security/test_safe_redirect.py.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a local path ("/..."), else ``None``."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ch == " " or not ch.isprintable() for ch in target):  # controls, tabs, newlines, odd spaces
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def next_or(default: str) -> str:
    """The request's ``next`` (form field, else query argument) when it is safe, else ``default``."""
    return safe_next(request.form.get("next") or request.args.get("next")) or default

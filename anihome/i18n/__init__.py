"""Interface language: English source strings, Russian catalogs in ``i18n/ru/*.json``.

Each area keeps its own catalog file (``auth.json``, ``catalog.json`` ...) mapping the
English text to its Russian translation; missing strings fall back to English. The
language comes from the member's setting, else the ``lang`` cookie, else Accept-Language.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LANGUAGES = {"en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "en"
_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = _HERE / language
    if language != DEFAULT_LANGUAGE and folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def N_(text: str) -> str:
    """Marks an English source string that is stored or sent as it is and translated where it is
    shown (a job's progress text, a counter's label)."""
    return text


def translate(language: str, text: str, **values) -> str:
    result = catalog(language).get(text, text)
    return result % values if values else result


def pick_language(user_locale: str | None, cookie: str | None, accept_languages) -> str:
    """The member's choice, then the cookie, then the browser's best supported match."""
    for choice in (user_locale, cookie):
        if choice in LANGUAGES:
            return choice
    best = accept_languages.best_match(list(LANGUAGES)) if accept_languages else None
    return best or DEFAULT_LANGUAGE

"""A job's progress text in the reader's language.

Jobs store what they are doing as English (``job_run.progress_text``, which the API and the
log keep as it is), written from templates marked ``N_`` whose translations live in
``i18n/<lang>/job_progress.json``: "full sync: page %(pages)s, %(done)s of %(total)s items".
A page finds the template a stored text was made from, and says it again in the page's
language with the same values. A text from no template (a backup's file name, an older
release's wording) is shown as it is. ``matchers`` gives the same templates to the run page's
script, which redraws the text while a run goes.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..i18n import DEFAULT_LANGUAGE

_FOLDER = Path(__file__).resolve().parent.parent / "i18n"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@lru_cache(maxsize=None)
def _catalog(language: str) -> dict[str, str]:
    path = _FOLDER / language / "job_progress.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _pattern(template: str, group: str) -> str:
    """The template as a regular expression; ``group`` is "(?P<%s>.+?)" (Python) or "(?<%s>.+?)" (JS)."""
    parts = _PLACEHOLDER.split(template)  # text, name, text, name, ... text
    return "^" + "".join(re.escape(part) if index % 2 == 0 else group % part
                         for index, part in enumerate(parts)) + "$"


def _with_values(language: str) -> list[tuple[str, str]]:
    """(template, translation) of the templates with values, the most specific first: a text
    "page 7, 542 of 600 items" must meet "%(done)s of %(total)s items" before "%(done)s items"."""
    found = [(template, said) for template, said in _catalog(language).items() if _PLACEHOLDER.search(template)]
    return sorted(found, key=lambda pair: (-len(_PLACEHOLDER.findall(pair[0])), -len(pair[0])))


@lru_cache(maxsize=None)
def _templates(language: str) -> list[tuple[re.Pattern, str]]:
    return [(re.compile(_pattern(template, "(?P<%s>.+?)")), said) for template, said in _with_values(language)]


def translated_progress(text: str | None, language: str) -> str:
    """``text`` (stored English) in ``language``; unchanged when no template made it."""
    if not text or language == DEFAULT_LANGUAGE:
        return text or ""
    said = _catalog(language).get(text)
    if said is not None:
        return said
    for pattern, template in _templates(language):
        match = pattern.match(text)
        if match:
            return template % match.groupdict()
    return text


@lru_cache(maxsize=None)
def matchers(language: str) -> list[list[str]]:
    """[[JS pattern source, translation], ...] for the page's script, in the order they are tried,
    plain texts first (their pattern is the whole text)."""
    if language == DEFAULT_LANGUAGE:
        return []
    plain = [[_pattern(text, ""), said] for text, said in _catalog(language).items() if not _PLACEHOLDER.search(text)]
    return plain + [[_pattern(template, "(?<%s>.+?)"), said] for template, said in _with_values(language)]

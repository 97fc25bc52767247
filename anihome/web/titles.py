"""Titles and genres as the member reads them: ``title_of(item)`` and ``other_titles_of(item)``
in the member's title language (Russian, romaji, English; account page), and the
``genre_name`` filter (English genre names in the English interface). Cached HTML fragments
carry the title language in their key (see web/catalog.py)."""
from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from ..catalog.titles import mode_of, other_titles, title_in, titles_by_id
from ..i18n.genres import genre_name
from .templating import current_language

bp = Blueprint("titles", __name__)


def title_mode() -> str:
    return mode_of(current_user)


@bp.app_context_processor
def _titles():
    mode = title_mode()
    return {"title_of": lambda item: title_in(item, mode),
            "other_titles_of": lambda item: other_titles(item, mode),
            "genres_by_name": _genres_by_name,
            # ?t= on poster URLs: a tile carries the title in this language, so a member who
            # changes it gets new tiles at once instead of the browser's hour-old copies
            "poster_variant": None if mode == "ru" else mode}


def _genres_by_name(genres: list[dict]) -> list[dict]:
    """Genre facets with ``label`` in the interface language, sorted by it."""
    language = current_language()
    labelled = [dict(g, label=genre_name(g["name"], language)) for g in genres]
    return sorted(labelled, key=lambda g: g["label"].casefold())


@bp.app_template_filter("retitled")
def _retitled(rows) -> list[dict]:
    """Rows naming a release by ``release_id`` and ``title`` (analytics tables) with ``title``
    in the member's title language; one query for all of them, none in Russian."""
    rows = list(rows)
    mode = title_mode()
    if mode == "ru" or not rows:
        return rows
    titles = titles_by_id((row["release_id"] for row in rows), mode)
    return [dict(row, title=titles.get(row["release_id"], row["title"])) for row in rows]


@bp.app_template_filter("genre_name")
def _genre_name(name: str) -> str:
    return genre_name(name, current_language())

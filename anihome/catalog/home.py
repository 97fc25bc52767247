"""The home page rows: new episodes, ongoing, top rated, recently added.

Each row is one indexed query under the member's age cap. ``HOME_ROWS`` is a table (name ->
title and query); the web view caches ``home_rows(cap)`` per cap under the "catalog" tag.
The per-member "continue watching" row comes from the watching area (``anihome.library``)
and is added by the view, uncached.
"""
from __future__ import annotations

from typing import Callable

from ..models import Release
from .cards import release_card
from .queries import SORTS, visible_releases

ROW_LIMIT = 12
TOP_RATED_MIN_VOTES = 100

#: row name -> (English title, query builder under a cap)
HOME_ROWS: dict[str, tuple[str, Callable]] = {
    "new_episodes": ("New episodes", lambda cap: visible_releases(cap).order_by(*SORTS["updated"])),
    "ongoing": ("Airing now", lambda cap: visible_releases(cap).where(Release.status == "ongoing")
                .order_by(*SORTS["popularity"])),
    "top_rated": ("Top rated", lambda cap: visible_releases(cap)
                  .where(Release.votes >= TOP_RATED_MIN_VOTES).order_by(*SORTS["rating"])),
    "recently_added": ("Recently added", lambda cap: visible_releases(cap).order_by(*SORTS["added"])),
}

#: where each row's "see all" link points in browse (query-string parameters)
ROW_BROWSE_ARGS = {
    "new_episodes": {"sort": "updated"},
    "ongoing": {"status": "ongoing", "sort": "popularity"},
    "top_rated": {"sort": "rating"},
    "recently_added": {"sort": "added"},
}


def home_rows(cap: int | None, limit: int = ROW_LIMIT) -> list[dict]:
    """The catalog rows of the home page (empty rows left out): name, title, items."""
    rows = []
    for name, (title, build) in HOME_ROWS.items():
        items = [release_card(row) for row in build(cap).limit(limit).dicts()]
        if items:
            rows.append({"name": name, "title": title, "items": items,
                         "browse_args": ROW_BROWSE_ARGS.get(name, {})})
    return rows

"""Plain-dict views of releases, shared by the HTML pages, the API and the cache.

Services return these dicts (never model objects), so a cached value is safe to share
between threads and renders the same in a template and in JSON.
"""
from __future__ import annotations

import json
from functools import lru_cache

from peewee import DateField, DateTimeField

from ..dates import iso_utc
from ..db import database
from ..models import Release

#: Columns a release card needs; list queries select only these.
CARD_FIELDS = (Release.id, Release.title, Release.title_orig, Release.title_en, Release.kind,
               Release.status, Release.year, Release.rating, Release.votes, Release.poster_url,
               Release.age_limit, Release.episodes_aired, Release.episodes_total,
               Release.next_episode_at)


_iso = iso_utc


def release_card(row) -> dict:
    """The short form of a release for lists (``row`` is a Release or a dict of CARD_FIELDS)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return {
        "id": get("id"),
        "title": get("title"),
        "title_orig": get("title_orig") or "",
        "title_en": get("title_en") or "",
        "kind": get("kind") or "",
        "status": get("status") or "",
        "year": get("year"),
        "rating": get("rating"),
        "votes": get("votes") or 0,
        "poster_url": get("poster_url") or "",
        "age_limit": get("age_limit"),
        "episodes_aired": get("episodes_aired"),
        "episodes_total": get("episodes_total"),
        "next_episode_at": _iso(get("next_episode_at")),
    }


@lru_cache(maxsize=128)
def _cards_sql(count: int, param: str) -> str:
    return Release.select(*CARD_FIELDS).where(Release.id.in_(list(range(count)))).sql()[0]


_CARD_NAMES = [field.name for field in CARD_FIELDS]
_DATE_COLUMNS = [(index, field.python_value) for index, field in enumerate(CARD_FIELDS)
                 if isinstance(field, (DateField, DateTimeField))]


def cards_for_ids(ids: list[int]) -> list[dict]:
    """Cards of ``ids`` in that order, from one query; ids that are gone are skipped.

    The SQL is built once per number of ids: building it with Peewee each time was half
    the cost of an uncached search."""
    if not ids:
        return []
    cursor = database.execute_sql(_cards_sql(len(ids), database.param), list(ids))
    rows = {}
    for values in cursor:
        values = list(values)
        for index, convert in _DATE_COLUMNS:
            values[index] = convert(values[index])
        rows[values[0]] = dict(zip(_CARD_NAMES, values))
    return [release_card(rows[rid]) for rid in ids if rid in rows]


def release_detail(release: Release) -> dict:
    """The full form of a release for its page and ``GET /api/v1/releases/<id>``."""
    card = release_card(release)
    card.update({
        "other_titles": json.loads(release.other_titles or "[]"),
        "description": release.description or "",
        "duration": release.duration,
        "rating_mpaa": release.rating_mpaa or "",
        "minimal_age": release.minimal_age,
        "aired_on": _iso(release.aired_on),
        "released_on": _iso(release.released_on),
        "franchise": release.franchise or "",
        "shikimori_id": release.shikimori_id,
        "kinopoisk_id": release.kinopoisk_id,
        "imdb_id": release.imdb_id,
        "ratings": [
            {"source": source, "rating": rating, "votes": votes}
            for source, rating, votes in (
                ("shikimori", release.shikimori_rating, release.shikimori_votes),
                ("kinopoisk", release.kinopoisk_rating, release.kinopoisk_votes),
                ("imdb", release.imdb_rating, release.imdb_votes),
            ) if rating is not None
        ],
        "updated_at": _iso(release.kodik_updated_at),
    })
    return card

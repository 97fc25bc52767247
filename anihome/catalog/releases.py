"""A release page's data: the release, its genres and studios, translations, the seasons and
episodes of one translation, and other seasons of the same franchise.

Seven queries at most, whatever the number of translations or episodes. A release hidden by
the member's age cap, or no longer available, is "not found" (404), never "forbidden", so a
capped member cannot tell it exists.
"""
from __future__ import annotations

import json

from ..dates import iso_utc
from ..errors import AppError, NotFound
from ..models import Episode, Genre, Release, ReleaseGenre, ReleaseStudio, Studio, Translation
from .agecap import allowed
from .cards import release_card, release_detail
from .queries import visible_releases

FRANCHISE_LIMIT = 24


def get_visible_release(release_id: int, cap: int | None) -> Release:
    """The release, or NotFound when it is missing, unavailable or above ``cap``."""
    release = Release.get_or_none((Release.id == release_id) & (Release.available == True))  # noqa: E712
    if release is None or not allowed(release, cap):
        raise NotFound("No such release.")
    return release


def translation_json(tr) -> dict:
    """One translation (a Kodik item) as a choice on the release page and in the API."""
    return {
        "id": tr.id,
        "title": tr.team,
        "team_id": tr.team_id,
        "type": "voice" if tr.voice else "subtitles",
        "quality": tr.quality or "",
        "episodes_count": tr.episodes_count,
        "last_season": tr.last_season,
        "last_episode": tr.last_episode,
        "is_movie": tr.kodik_id.startswith("movie-"),
        "camrip": bool(tr.camrip),
        "blocked_seasons": _blocked_value(tr.blocked_seasons),
        "updated_at": iso_utc(tr.kodik_updated_at)
        if tr.kodik_updated_at else None,
    }


def translations_of(release_id: int) -> list[dict]:
    """Available translations of a release: playable ones first (the rights holder has not
    blocked their latest season), then voice, then most episodes, then by team. The first
    one is the release page's default."""
    rows = (Translation.select().where((Translation.release == release_id)
                                       & (Translation.available == True)))  # noqa: E712
    items = [(tr.is_blocked(), translation_json(tr)) for tr in rows]
    items.sort(key=lambda p: (p[0], p[1]["type"] != "voice", -(p[1]["episodes_count"] or 0),
                              p[1]["title"].casefold()))
    return [item for _, item in items]


def _blocked_value(raw: str):
    """Kodik's blocked_seasons: "all", or {season: "all" | [episode, ...]}."""
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if value == "all" or isinstance(value, dict) else {}


def seasons_of(translation: dict) -> list[dict]:
    """Seasons (ascending) with their episodes (each with its own id) of one translation."""
    translation_id = translation["id"]
    blocked = translation["blocked_seasons"]
    all_blocked = blocked == "all"
    blocked = {} if all_blocked else blocked
    seasons: dict[int, list] = {}
    rows = (Episode.select(Episode.id, Episode.season, Episode.number, Episode.title)
            .where(Episode.translation == translation_id)
            .order_by(Episode.season, Episode.number).tuples())
    for episode_id, season, number, title in rows:
        block = blocked.get(str(season))
        is_blocked = all_blocked or block == "all" or (
            isinstance(block, list) and str(number) in block)
        seasons.setdefault(season, []).append(
            {"id": episode_id, "season": season, "number": number, "title": title or "",
             "blocked": is_blocked})
    return [{"number": number, "episodes": episodes} for number, episodes in sorted(seasons.items())]


def pick_translation(translations: list[dict], translation_id: int | None) -> dict | None:
    """The chosen translation (AppError when it is not one of this release's), else the first."""
    if translation_id is None:
        return translations[0] if translations else None
    for item in translations:
        if item["id"] == translation_id:
            return item
    raise AppError("This release has no such translation.", field="translation", status=404,
                   code="not_found")


def franchise_of(release: Release, cap: int | None) -> list[dict]:
    """Other releases of the same franchise (by air date, then year) under ``cap``."""
    if not release.franchise:
        return []
    query = (visible_releases(cap, narrow=True)
             .where((Release.franchise == release.franchise) & (Release.id != release.id))
             .order_by(Release.aired_on.asc(nulls="LAST"), Release.year, Release.id)
             .limit(FRANCHISE_LIMIT))
    return [release_card(row) for row in query.dicts()]


def release_page(release_id: int, cap: int | None, translation_id: int | None = None) -> dict:
    """Everything the release page shows; NotFound when hidden, AppError for a foreign translation."""
    release = get_visible_release(release_id, cap)
    detail = release_detail(release)
    detail["genres"] = list(Genre.select(Genre.id, Genre.name, Genre.slug).join(ReleaseGenre)
                            .where(ReleaseGenre.release == release.id).order_by(Genre.name).dicts())
    detail["studios"] = list(Studio.select(Studio.id, Studio.name, Studio.slug).join(ReleaseStudio)
                             .where(ReleaseStudio.release == release.id).order_by(Studio.name).dicts())
    translations = translations_of(release.id)
    chosen = pick_translation(translations, translation_id)
    return {
        "release": detail,
        "translations": translations,
        "translation": chosen,
        "seasons": seasons_of(chosen) if chosen else [],
        "franchise": franchise_of(release, cap),
    }

"""Map one Kodik item (API.md §5.2–5.4) to catalog rows: release, translation, episodes.

Pure functions over the item dict; nothing here touches the database. Rules:

* Release key: ``shiki:<shikimori_id>``, else ``kp:<kinopoisk_id>``, else ``kodik:<item id>``.
* Season-specific ``anime_*`` fields of material_data win over franchise-level ones
  (title, description, poster, status, genres); the item's own ``year`` and
  ``title_orig`` are season-specific too, so they win over material_data's.
* age_limit: ``minimal_age`` when given, else from ``rating_mpaa`` (``AGE_BY_MPAA``).
* popularity: ``rating × log10(1 + votes)`` from Shikimori, else KinoPoisk, else IMDb.
* franchise: the franchise-level title (material_data ``title``, which KinoPoisk keeps
  per franchise), without a trailing ``[ТВ-2]``-style tag, normalised.
* Timestamps are returned as ``YYYY-MM-DD HH:MM:SS`` strings (naive UTC), the form the
  DateTimeField columns store.
"""
from __future__ import annotations

import json
import math
import re

from ..catalog.text import normalize

#: Age in years for Shikimori's MPAA-like ratings, used when minimal_age is absent.
#: R+ ("17+, mild nudity") is placed at 18 on purpose: a capped member should not see it.
AGE_BY_MPAA = {"G": 0, "PG": 6, "PG-13": 13, "R": 17, "R+": 18, "Rx": 18}

KIND_BY_TYPE = {"anime": "movie", "anime-serial": "tv"}

_TRAILING_TAG = re.compile(r"\s*\[[^\]]*\]\s*$")
_BBCODE = re.compile(r"\[/?[a-z_]+(?:=[^\]]*)?\]")


def kodik_time(value: str | None) -> str | None:
    """``2026-05-02T05:36:49Z`` -> ``2026-05-02 05:36:49`` (None stays None)."""
    if not value:
        return None
    return f"{value[:10]} {value[11:19]}"


def release_key(item: dict) -> str:
    """The release an item belongs to: Shikimori id, else KinoPoisk id, else the Kodik id."""
    if item.get("shikimori_id"):
        return f"shiki:{item['shikimori_id']}"
    if item.get("kinopoisk_id"):
        return f"kp:{item['kinopoisk_id']}"
    return f"kodik:{item['id']}"


def age_limit(minimal_age, rating_mpaa) -> int | None:
    """Age in years from Kodik's minimal_age, else its rating_mpaa; None when unknown."""
    if isinstance(minimal_age, int) and minimal_age >= 0:
        return minimal_age
    return AGE_BY_MPAA.get(rating_mpaa or "")


def popularity(rating, votes) -> float:
    """A popularity score that grows with the vote count and the rating."""
    if not votes or votes < 0:
        return 0.0
    return round((rating or 5.0) * math.log10(1 + votes), 4)


def _names(item: dict, md: dict, title: str) -> list[str]:
    """Alternative titles: material_data's lists, else the item's ``other_title``; deduplicated."""
    names = [*md.get("other_titles", ()), *md.get("other_titles_en", ()), *md.get("other_titles_jp", ())]
    if not names and item.get("other_title"):
        names = [part.strip() for part in item["other_title"].split(" / ")]
    if md.get("title") and md["title"] != title:
        names.append(md["title"])
    if item.get("title") and item["title"] != title:
        names.append(item["title"])
    seen, out = {title}, []
    for name in names:
        if name and name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _best_rating(md: dict) -> tuple[float | None, int]:
    for source in ("shikimori", "kinopoisk", "imdb"):
        rating = md.get(f"{source}_rating")
        if rating:
            return float(rating), int(md.get(f"{source}_votes") or 0)
    return None, 0


def franchise_key(item: dict, md: dict, norm=normalize) -> str:
    """Normalised franchise-level title, or ``kp:<id>`` when there is no title at all."""
    base = _TRAILING_TAG.sub("", md.get("title") or item.get("title") or "")
    key = norm(base)
    if not key and item.get("kinopoisk_id"):
        key = f"kp:{item['kinopoisk_id']}"
    return key[:300]


def release_row(item: dict, norm=normalize) -> dict:
    """Release columns from one item (without id, availability and bookkeeping times).

    ``other_title_list`` (not a column) holds the alternative titles as a list; ``norm`` is
    ``normalize`` or a memo of it (the sync normalises each title once per chunk)."""
    md = item.get("material_data") or {}
    title = md.get("anime_title") or md.get("title") or item.get("title") or item["id"]
    rating, votes = _best_rating(md)
    description = md.get("anime_description") or md.get("description") or ""
    names = _names(item, md, title)
    return {
        "other_title_list": names,
        "key": release_key(item),
        "shikimori_id": item.get("shikimori_id"),
        "kinopoisk_id": item.get("kinopoisk_id"),
        "imdb_id": item.get("imdb_id"),
        "title": title,
        "title_orig": item.get("title_orig") or "",
        "title_en": md.get("title_en") or "",
        "other_titles": json.dumps(names, ensure_ascii=False),
        "sort_title": norm(title)[:300],
        "franchise": franchise_key(item, md, norm),
        "kind": md.get("anime_kind") or KIND_BY_TYPE.get(item.get("type"), ""),
        "status": md.get("anime_status") or md.get("all_status") or "",
        "year": item.get("year") or md.get("year"),
        "description": _BBCODE.sub("", description).strip(),
        "poster_url": md.get("anime_poster_url") or md.get("poster_url") or "",
        "duration": md.get("duration"),
        "episodes_total": md.get("episodes_total"),
        "episodes_aired": md.get("episodes_aired"),
        "rating": rating,
        "votes": votes,
        "shikimori_rating": md.get("shikimori_rating"),
        "shikimori_votes": md.get("shikimori_votes"),
        "kinopoisk_rating": md.get("kinopoisk_rating"),
        "kinopoisk_votes": md.get("kinopoisk_votes"),
        "imdb_rating": md.get("imdb_rating"),
        "imdb_votes": md.get("imdb_votes"),
        "rating_mpaa": md.get("rating_mpaa") or "",
        "minimal_age": md.get("minimal_age"),
        "age_limit": age_limit(md.get("minimal_age"), md.get("rating_mpaa")),
        "aired_on": md.get("aired_at") or md.get("premiere_world"),
        "released_on": md.get("released_at"),
        "next_episode_at": kodik_time(md.get("next_episode_at")),
        "popularity": popularity(rating, votes),
    }


def genre_names(item: dict) -> list[str]:
    """Season-specific Shikimori genres, else KinoPoisk's."""
    md = item.get("material_data") or {}
    return list(md.get("anime_genres") or md.get("genres") or ())


def studio_names(item: dict) -> list[str]:
    md = item.get("material_data") or {}
    return list(md.get("anime_studios") or ())


def _json(value, empty: str) -> str:
    """JSON text of a small list/map; the common empty value without calling json."""
    return json.dumps(value, ensure_ascii=False) if value else empty


def translation_row(item: dict) -> dict:
    """Translation columns from one item (without id, release and bookkeeping)."""
    team = item.get("translation") or {}
    return {
        "kodik_id": item["id"],
        "kodik_type": item.get("type") or "",
        "team_id": int(team.get("id") or 0),
        "team": team.get("title") or "",
        "voice": team.get("type", "voice") != "subtitles",
        "quality": item.get("quality") or "",
        "link": item.get("link") or "",
        "last_season": item.get("last_season"),
        "last_episode": item.get("last_episode"),
        "episodes_count": item.get("episodes_count"),
        "blocked_seasons": _json(item.get("blocked_seasons"), "{}"),
        "blocked_countries": _json(item.get("blocked_countries"), "[]"),
        "camrip": bool(item.get("camrip")),
        "kodik_created_at": kodik_time(item.get("created_at")) or kodik_time(item.get("updated_at")),
        "kodik_updated_at": kodik_time(item.get("updated_at")),
    }


def _seasons_of(item: dict):
    """(season number, {episode key: value}) of every readable season; what cannot be read is skipped."""
    for season_key, season in (item.get("seasons") or {}).items():
        if not isinstance(season, dict):
            continue
        try:
            season_no = int(season_key)
        except (TypeError, ValueError):
            continue
        episodes = season.get("episodes") or {}
        if isinstance(episodes, dict):
            yield season_no, episodes


def episode_rows(item: dict, *prefix) -> list[tuple]:
    """(season, number, title, link) for every episode link in ``seasons``.

    Episode values are link strings (``with_episodes``) or objects (``with_episodes_data``).
    Movies have no seasons and get no rows: their translation link plays them. ``prefix``
    values (e.g. a translation id) are put in front of every row. A season of link strings
    under numeric keys (what ``with_episodes`` sends) is mapped in one comprehension; anything
    else takes the careful path that skips what it cannot read.
    """
    rows: list[tuple] = []
    for season_no, episodes in _seasons_of(item):
        try:
            fast = _link_rows(episodes, season_no, prefix)
        except (TypeError, ValueError):
            fast = None
        if fast is not None and len(fast) == len(episodes):
            rows.extend(fast)
        else:
            rows.extend(_episode_rows_careful(episodes, season_no, prefix))
    return rows


def link_seasons(item: dict) -> tuple[list[tuple[int, dict]], list[tuple]]:
    """Split an item's episodes into whole seasons of link strings under plain numeric keys
    (what ``with_episodes`` sends), as (season, {number: link}), and ``episode_rows`` of
    the rest. The sync hands those seasons to SQLite as they are (``json_each``) instead of
    building a Python row per episode: 3 million of them in a full sync."""
    seasons: list[tuple[int, dict]] = []
    rest: list[tuple] = []
    for season_no, episodes in _seasons_of(item):
        if all(value.__class__ is str for value in episodes.values()) \
                and all(key.isascii() and key.isdigit() and len(key) < 10 for key in episodes):
            if episodes:
                seasons.append((season_no, episodes))
        else:
            rest.extend(_episode_rows_careful(episodes, season_no, ()))
    return seasons, rest


def _link_rows(episodes: dict, season_no: int, prefix: tuple) -> list[tuple]:
    """Rows of the link-string values (raises ValueError on a non-numeric key); 3M rows a full sync."""
    if len(prefix) == 1:  # the sync's case, without the slower tuple unpacking
        head = prefix[0]
        return [(head, season_no, int(key), "", value) for key, value in episodes.items() if value.__class__ is str]
    return [(*prefix, season_no, int(key), "", value) for key, value in episodes.items() if value.__class__ is str]


def _episode_rows_careful(episodes: dict, season_no: int, prefix: tuple) -> list[tuple]:
    rows = []
    for number_key, value in episodes.items():
        try:
            number = int(number_key)
        except (TypeError, ValueError):
            continue
        if isinstance(value, str):
            rows.append((*prefix, season_no, number, "", value))
        elif isinstance(value, dict) and value.get("link"):
            rows.append((*prefix, season_no, number, value.get("title") or "", value["link"]))
    return rows


def has_metadata(item: dict) -> bool:
    return bool(item.get("material_data"))

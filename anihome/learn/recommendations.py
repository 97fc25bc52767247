"""Serving recommendations and similar titles from the nightly results (no model here).

Every read goes through ``visible``: what is shown is available and allowed under the
member's age cap *now*, and never a title the member has since completed, dropped or started
(their live lists), whatever the nightly run computed. A member with no stored list (new, or
before the first nightly run), or who picked favourites on the onboarding page since the
list was computed, gets popular titles in the genres they favour (never their favourites
themselves), or popular titles outright. Similar titles without a stored list fall back to
the most shared genres.
"""
from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from ..catalog.agecap import cap_of
from ..catalog.cards import cards_for_ids
from ..catalog.queries import visible_releases
from ..library import lists
from ..models import (Favorite, ListEntry, Recommendation, RecommenderReport, Release, ReleaseGenre,
                      SimilarRelease)
from . import onboarding
from .data import EXCLUDED_STATUSES

MAX_LIMIT = 50
DEFAULT_LIMIT = 12
BLENDS = ("a", "b")


@dataclass(frozen=True)
class Recommended:
    release: dict                  # a release card
    reason: str                    # similar | household | popular | genre
    reason_release: dict | None    # {"id", "title", "title_orig", "title_en"} for "similar"


def visible(ids: list[int], cap: int | None) -> list[int]:
    """``ids`` in order, keeping those available and allowed under ``cap``."""
    if not ids:
        return []
    allowed = {rid for (rid,) in visible_releases(cap, Release.id, narrow=True).where(Release.id.in_(ids)).tuples()}
    return [rid for rid in ids if rid in allowed]


def _not_mine(user_id: int, ids: list[int]) -> list[int]:
    taken = {rid for rid, status in lists.statuses(user_id, ids).items() if status in EXCLUDED_STATUSES}
    return [rid for rid in ids if rid not in taken]


def for_member(user, limit: int = DEFAULT_LIMIT, blend: str = "a") -> list[Recommended]:
    """The member's For-you list (the nightly ``blend``), checked against their lists and cap now."""
    rows = list(Recommendation.select(Recommendation.release, Recommendation.reason,
                                      Recommendation.reason_release, Recommendation.computed_at)
                .where((Recommendation.user == user.id) & (Recommendation.blend == blend))
                .order_by(Recommendation.rank).limit(limit * 3).tuples())
    if not rows or onboarding.picked_since(user.id, rows[0][3]):
        return cold_start(user, limit)
    ids = _not_mine(user.id, visible([rid for rid, _, _, _ in rows], cap_of(user)))[:limit]
    reasons = {rid: (reason, other) for rid, reason, other, _ in rows}
    titles = {rid: {"id": rid, "title": title, "title_orig": orig, "title_en": en}
              for rid, title, orig, en in Release.select(Release.id, Release.title, Release.title_orig,
                                                         Release.title_en)
              .where(Release.id.in_([o for _, o in reasons.values() if o])).tuples()}
    out = []
    for card in cards_for_ids(ids):
        reason, other = reasons[card["id"]]
        source = titles.get(other)
        out.append(Recommended(card, reason if (reason != "similar" or source) else "popular", source))
    return out


def favourite_genres(user_id: int, limit: int = 3) -> list[int]:
    """Genre ids most present in the member's favourites and liked list entries."""
    liked = (ListEntry.select(ListEntry.release).where((ListEntry.user == user_id)
                                                      & (ListEntry.status != "dropped")))
    favs = Favorite.select(Favorite.release).where(Favorite.user == user_id)
    rows = (ReleaseGenre.select(ReleaseGenre.genre, fn.COUNT(ReleaseGenre.release).alias("n"))
            .where(ReleaseGenre.release.in_(liked) | ReleaseGenre.release.in_(favs))
            .group_by(ReleaseGenre.genre).order_by(fn.COUNT(ReleaseGenre.release).desc()).limit(limit).tuples())
    return [genre for genre, _ in rows]


def cold_start(user, limit: int) -> list[Recommended]:
    """Popular titles in the member's favourite genres (from favourites and lists), else popular."""
    genres = favourite_genres(user.id)
    query = visible_releases(cap_of(user), Release.id)
    reason = "popular"
    if genres:
        query = query.where(Release.id.in_(ReleaseGenre.select(ReleaseGenre.release)
                                           .where(ReleaseGenre.genre.in_(genres))))
        reason = "genre"
    favourites = Favorite.select(Favorite.release).where(Favorite.user == user.id)
    query = query.where(Release.id.not_in(favourites))
    ids = [rid for (rid,) in query.order_by(Release.popularity.desc(), Release.id).limit(limit * 3).tuples()]
    ids = _not_mine(user.id, ids)[:limit]
    return [Recommended(card, reason, None) for card in cards_for_ids(ids)]


def similar_to(release_id: int, cap: int | None, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """Cards of titles like ``release_id`` under ``cap``: the nightly list, else shared genres."""
    ids = [rid for (rid,) in SimilarRelease.select(SimilarRelease.similar)
           .where(SimilarRelease.release == release_id).order_by(SimilarRelease.rank).tuples()]
    if not ids:
        ids = _by_genres(release_id, cap, limit * 2)
    return cards_for_ids(visible(ids, cap)[:limit])


def _by_genres(release_id: int, cap: int | None, limit: int) -> list[int]:
    genres = ReleaseGenre.select(ReleaseGenre.genre).where(ReleaseGenre.release == release_id)
    shared = fn.COUNT(ReleaseGenre.genre)
    rows = (ReleaseGenre.select(ReleaseGenre.release, shared.alias("n"))
            .where(ReleaseGenre.genre.in_(genres) & (ReleaseGenre.release != release_id))
            .group_by(ReleaseGenre.release).order_by(shared.desc(), ReleaseGenre.release).limit(limit * 5).tuples())
    return visible([rid for rid, _ in rows], cap)[:limit]


def latest_check() -> list[RecommenderReport]:
    """The last nightly held-out check against popularity: one row per ranker (the blends in
    order, then "popularity"), ``served`` and ``enough`` on each."""
    last = RecommenderReport.select(RecommenderReport.computed_at).order_by(RecommenderReport.id.desc()).first()
    if last is None:
        return []
    rows = list(RecommenderReport.select().where(RecommenderReport.computed_at == last.computed_at))
    return sorted(rows, key=lambda r: (r.ranker == "popularity", r.ranker))

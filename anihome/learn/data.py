"""What the nightly child reads from SQLite: the catalog's features and each member's taste.

Plain Python structures (no numpy), read with a few queries. A member's taste is a weight per
release built from lists, scores, favourites and watched episodes: completed and liked titles
pull towards similar ones, dropped titles push away.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ..models import (Favorite, Genre, ListEntry, Release, ReleaseGenre, ReleaseStudio, Studio,
                      User, WatchEvent, WatchProgress)

#: list status -> base weight of the title in the member's taste
STATUS_WEIGHT = {"completed": 1.0, "watching": 0.8, "rewatching": 1.0, "on_hold": 0.3,
                 "planned": 0.25, "dropped": -0.6}
#: list statuses whose titles are never recommended back to the member
EXCLUDED_STATUSES = ("completed", "dropped", "watching", "rewatching", "on_hold")
FAVORITE_BONUS = 0.5
WATCHED_ONLY_WEIGHT = 0.6


class ReleaseTexts:
    """The titles and description of each release in ``ids``, read from the database in
    chunks each time it is iterated (in ``ids`` order, "" for one gone since): the TF-IDF
    reads them once, so the child never holds every description at once (~40 MB at 100k
    releases)."""

    CHUNK = 2000

    def __init__(self, ids: list[int]):
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self):
        for start in range(0, len(self.ids), self.CHUNK):
            chunk = self.ids[start:start + self.CHUNK]
            texts = {rid: f"{title} {title_en} {description or ''}" for rid, title, title_en, description
                     in Release.select(Release.id, Release.title, Release.title_en, Release.description)
                     .where(Release.id.in_(chunk)).tuples()}
            for rid in chunk:
                yield texts.get(rid, "")


@dataclass
class CatalogFeatures:
    ids: list[int] = field(default_factory=list)
    text: Iterable[str] = field(default_factory=list)    # description + titles (ReleaseTexts when loaded)
    tags: list[tuple[str, ...]] = field(default_factory=list)  # genre:, studio:, kind:, era: tokens
    popularity: list[float] = field(default_factory=list)
    age_limit: list[int | None] = field(default_factory=list)


@dataclass
class Member:
    id: int
    age_cap: int | None
    weights: dict[int, float] = field(default_factory=dict)   # release id -> taste weight
    excluded: set[int] = field(default_factory=set)


def load_catalog() -> CatalogFeatures:
    """Every available release with its tags and a popularity prior in 0..1 (the catalog's
    rating x log(votes) popularity, scaled by the most popular title); the text is read when
    the TF-IDF needs it (``ReleaseTexts``). Tag strings are shared, not one copy per release."""
    tokens: dict[str, str] = {}
    tags = defaultdict(list)
    for release_id, slug in (ReleaseGenre.select(ReleaseGenre.release, Genre.slug).join(Genre)
                             .tuples().iterator()):
        token = "genre:" + slug
        tags[release_id].append(tokens.setdefault(token, token))
    for release_id, slug in (ReleaseStudio.select(ReleaseStudio.release, Studio.slug).join(Studio)
                             .tuples().iterator()):
        token = "studio:" + slug
        tags[release_id].append(tokens.setdefault(token, token))
    out = CatalogFeatures()
    rows = (Release.select(Release.id, Release.kind, Release.year, Release.popularity, Release.age_limit)
            .where(Release.available == True).order_by(Release.id).tuples().iterator())  # noqa: E712
    raw_pop = []
    for rid, kind, year, popularity, age_limit in rows:
        out.ids.append(rid)
        kind_token = f"kind:{kind or 'unknown'}"
        era = f"era:{(year // 5) * 5}" if year else "era:unknown"
        out.tags.append(tuple(tags.pop(rid, ())) + (tokens.setdefault(kind_token, kind_token),
                                                     tokens.setdefault(era, era)))
        raw_pop.append(popularity or 0.0)
        out.age_limit.append(age_limit)
    top = max(raw_pop, default=0.0) or 1.0
    out.popularity = [value / top for value in raw_pop]
    out.text = ReleaseTexts(out.ids)
    return out


def load_members() -> list[Member]:
    """Every active member with their taste weights and the titles never to recommend back."""
    members = {u.id: Member(u.id, u.age_cap) for u in User.select(User.id, User.age_cap)
               .where(User.is_active == True)}  # noqa: E712
    for user_id, release_id, status, score in (ListEntry.select(ListEntry.user, ListEntry.release,
                                                                ListEntry.status, ListEntry.score)
                                               .tuples().iterator()):
        member = members.get(user_id)
        if member is None:
            continue
        weight = STATUS_WEIGHT.get(status, 0.0)
        if score and status != "dropped":
            weight *= 0.5 + score / 10  # 1 -> 0.6x, 10 -> 1.5x
        member.weights[release_id] = weight
        if status in EXCLUDED_STATUSES:
            member.excluded.add(release_id)
    for user_id, release_id in Favorite.select(Favorite.user, Favorite.release).tuples().iterator():
        if user_id in members:
            weights = members[user_id].weights
            weights[release_id] = weights.get(release_id, 0.0) + FAVORITE_BONUS
    watched = (WatchProgress.select(WatchProgress.user, WatchProgress.release)
               .where(WatchProgress.watched == True).distinct().tuples().iterator())  # noqa: E712
    for user_id, release_id in watched:
        member = members.get(user_id)
        if member is not None and release_id not in member.weights:
            member.weights[release_id] = WATCHED_ONLY_WEIGHT
            member.excluded.add(release_id)
    return list(members.values())


def completed_in_order() -> dict[int, list[int]]:
    """Each member's completed titles, oldest first (by when their list entry last changed)."""
    out: dict[int, list[int]] = defaultdict(list)
    for user_id, release_id in (ListEntry.select(ListEntry.user, ListEntry.release)
                                .where(ListEntry.status == "completed")
                                .order_by(ListEntry.updated_at, ListEntry.id).tuples().iterator()):
        out[user_id].append(release_id)
    return dict(out)


def daily_views(since: datetime) -> dict[int, dict]:
    """Episode starts per release per day since ``since``: {release_id: {date: count}}."""
    out: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    rows = (WatchEvent.select(WatchEvent.release, WatchEvent.started_at)
            .where(WatchEvent.started_at >= since).tuples().iterator())
    for release_id, started_at in rows:
        out[release_id][started_at.date()] += 1
    return out


def airing_releases() -> set[int]:
    """Releases still airing (new episodes arrive: views follow the weekly rhythm)."""
    return {rid for (rid,) in Release.select(Release.id).where(Release.status == "ongoing").tuples()}

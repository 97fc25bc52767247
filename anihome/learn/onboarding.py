"""First-visit onboarding: a new member picks a few favourites so For-you fits them at once.

A member with no history (no list entries, no favourites) and no stored answer is offered
the picker: popular titles within their age cap, grouped by the catalog's biggest genres.
Picking ``MIN_PICKS``..``MAX_PICKS`` titles adds them to the member's favourites (the same
favourites the nightly recommender reads) and stores the answer "done"; skipping stores
"skipped". Either way the offer is not shown again on its own; the picker stays reachable
from the For-you row and the account page. Until the next nightly run, the For-you row of a
member who picked answers with popular titles in the genres of their picks
(``recommendations.for_member`` sees the answer is newer than its stored list).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from .. import events
from ..catalog.agecap import cap_of
from ..catalog.cards import cards_for_ids
from ..catalog.queries import visible_releases
from ..db import write_transaction
from ..clock import utcnow
from ..errors import AppError
from ..library import favorites
from ..models import Favorite, Genre, ListEntry, Onboarding, Release, ReleaseGenre

log = logging.getLogger(__name__)

MIN_PICKS = 3
MAX_PICKS = 10
GROUPS = 6
PER_GROUP = 8
POOL = 600


@dataclass(frozen=True)
class Group:
    genre: str        # the genre's stored (Russian) name; the page shows it translated
    slug: str
    cards: list[dict]


def answer(user_id: int) -> Onboarding | None:
    return Onboarding.get_or_none(Onboarding.user == user_id)


def should_offer(user_id: int) -> bool:
    """Offer the picker on its own: no stored answer and no history to recommend from (one
    query: the home page asks it)."""
    found = (Onboarding.select(Onboarding.user).where(Onboarding.user == user_id)
             | Favorite.select(Favorite.user).where(Favorite.user == user_id)
             | ListEntry.select(ListEntry.user).where(ListEntry.user == user_id))
    return not list(found.limit(1).tuples())


def groups(cap: int | None, count: int = GROUPS, per_group: int = PER_GROUP, pool: int = POOL) -> list[Group]:
    """Popular titles under ``cap`` grouped by genre: the ``pool`` most popular titles, their
    genres ranked by how many of those titles they hold, each genre's ``per_group`` most
    popular; a title appears once (in its first group). Three queries, whatever the catalog."""
    ranked = [rid for (rid,) in visible_releases(cap, Release.id)
              .order_by(Release.popularity.desc(), Release.id).limit(pool).tuples()]
    if not ranked:
        return []
    order = {rid: i for i, rid in enumerate(ranked)}
    members: dict[int, list[int]] = {}
    for release_id, genre_id in (ReleaseGenre.select(ReleaseGenre.release, ReleaseGenre.genre)
                                 .where(ReleaseGenre.release.in_(ranked)).tuples()):
        members.setdefault(genre_id, []).append(release_id)
    top = sorted(members, key=lambda g: (-len(members[g]), g))[:count]
    names = {gid: (name, slug) for gid, name, slug in Genre.select(Genre.id, Genre.name, Genre.slug)
             .where(Genre.id.in_(top)).tuples()}
    seen: set[int] = set()
    out = []
    for genre_id in top:
        ids = [rid for rid in sorted(members[genre_id], key=order.__getitem__) if rid not in seen][:per_group]
        seen.update(ids)
        if ids:
            out.append(Group(*names[genre_id], cards_for_ids(ids)))
    return out


def _picked_ids(picks) -> list[int]:
    if not isinstance(picks, (list, tuple)):
        raise AppError("picks: give a list of title ids.", field="picks")
    ids: list[int] = []
    for value in picks:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2 ** 63:
            raise AppError("picks: title ids are whole numbers.", field="picks")
        if value not in ids:
            ids.append(value)
    if not MIN_PICKS <= len(ids) <= MAX_PICKS:
        raise AppError("picks: choose from %(min)s to %(max)s titles.", field="picks",
                       values={"min": MIN_PICKS, "max": MAX_PICKS})
    return ids


def save_picks(user, picks, now: datetime | None = None) -> int:
    """Add the picked titles to the member's favourites and store the answer; 400 naming
    ``picks`` (nothing changed) when there are too few or too many, or one is unknown or above
    the member's age cap."""
    ids = _picked_ids(picks)
    allowed = {rid for (rid,) in visible_releases(cap_of(user), Release.id, narrow=True)
               .where(Release.id.in_(ids)).tuples()}
    if len(allowed) != len(ids):
        raise AppError("picks: one of the titles is not available to you.", field="picks")
    now = now or utcnow()
    for rid in ids:
        favorites.add(user.id, rid, now=now)
    _store(user.id, "done", len(ids), now)
    log.info("onboarding done user_id=%s picks=%s", user.id, len(ids))
    return len(ids)


def skip(user, now: datetime | None = None) -> None:
    """Remember that the member skipped the picker (a stored "done" stays done)."""
    found = answer(user.id)
    if found is not None and found.status == "done":
        return
    _store(user.id, "skipped", 0, now or utcnow())
    log.info("onboarding skipped user_id=%s", user.id)


def _store(user_id: int, status: str, picks: int, now: datetime) -> None:
    with write_transaction():
        updated = (Onboarding.update(status=status, picks=picks, at=now)
                   .where(Onboarding.user == user_id).execute())
        if not updated:
            Onboarding.create(user=user_id, status=status, picks=picks, at=now)
    events.member_data_changed.send(None, user_id=user_id, kind="onboarding")


def picked_since(user_id: int, computed_at: datetime | None) -> bool:
    """Whether the member picked favourites after ``computed_at`` (their stored list's night)."""
    found = answer(user_id)
    return bool(found and found.status == "done" and (computed_at is None or found.at > computed_at))

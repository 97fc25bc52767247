"""The "tonight" planner: what the members present can watch together in the time they have.

Candidates come first from the lists they share (titles two or more of them planned or are
watching, or one member's own list when alone), then from the nightly recommendations that
suit all of them. Everything is within the strictest age cap among them, available, and
never something one of them completed or dropped. Each pick says how many whole episodes fit
(episode length from Kodik/Shikimori, 24 minutes when unknown) and why it was picked.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..catalog.cards import cards_for_ids
from ..errors import AppError
from ..library import lists
from ..models import Recommendation, Release, User
from .recommendations import visible

MAX_MINUTES = 600
MAX_MEMBERS = 12
MAX_PICKS = 8
DEFAULT_EPISODE_MINUTES = 24
SHARED_STATUSES = ("planned", "watching", "on_hold", "rewatching")
BLOCKING_STATUSES = ("completed", "dropped")


@dataclass
class Pick:
    release: dict
    listed_by: list[str] = field(default_factory=list)       # members who have it on a list
    recommended_for: list[str] = field(default_factory=list)  # members it was recommended to
    episode_minutes: int = DEFAULT_EPISODE_MINUTES
    episodes: int = 0                                         # whole episodes that fit
    fits: bool = True


def members_from(ids) -> list[User]:
    """Active members for ``ids`` (a list of ints); 400 naming ``members`` otherwise."""
    if not isinstance(ids, list) or not ids or len(ids) > MAX_MEMBERS \
            or not all(isinstance(i, int) and not isinstance(i, bool) and 1 <= i < 2 ** 63 for i in ids):
        raise AppError(f"members: a list of 1 to {MAX_MEMBERS} member ids.", field="members")
    found = {u.id: u for u in User.select().where(User.id.in_(ids) & (User.is_active == True))}  # noqa: E712
    missing = [i for i in ids if i not in found]
    if missing:
        raise AppError(f"members: no such member: {', '.join(map(str, missing))}.", field="members")
    return [found[i] for i in dict.fromkeys(ids)]


def check_minutes(minutes) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        raise AppError(f"minutes: a whole number from 1 to {MAX_MINUTES}.", field="minutes")
    return minutes


def strictest_cap(members: list[User]) -> int | None:
    caps = [m.age_cap for m in members if m.age_cap is not None]
    return min(caps) if caps else None


@dataclass(frozen=True)
class Shortlist:
    """What the members present could watch, best first, before the time is considered: the
    part of a plan that reads the database (cacheable until their lists, the catalog or the
    nightly results change)."""
    cards: list[dict]
    durations: dict[int, int | None]
    listed: dict[int, list[str]]
    recommended: dict[int, list[str]]


def shortlist(members: list[User]) -> Shortlist:
    """Up to ``MAX_PICKS`` candidates for ``members``: shared lists first, then what the nightly
    run recommended to several of them; within the strictest cap, nothing one of them finished
    or dropped. Five queries whatever the number of members."""
    listed: dict[int, list[str]] = defaultdict(list)
    blocked: set[int] = set()
    names = {m.id: m.username for m in members}
    by_member = lists.statuses_of(list(names))
    for member in members:
        for release_id, status in by_member.get(member.id, {}).items():
            if status in SHARED_STATUSES:
                listed[release_id].append(member.username)
            elif status in BLOCKING_STATUSES:
                blocked.add(release_id)
    recommended: dict[int, list[str]] = defaultdict(list)
    rec_score: dict[int, float] = defaultdict(float)
    rows = (Recommendation.select(Recommendation.user, Recommendation.release, Recommendation.rank)
            .where(Recommendation.user.in_(list(names)) & (Recommendation.blend == "a")
                   & (Recommendation.rank <= 40)).tuples())
    for user_id, release_id, rank in rows:
        recommended[release_id].append(names[user_id])
        rec_score[release_id] += 1.0 / rank
    need = 2 if len(members) > 1 else 1

    def score(rid: int) -> float:
        shared = len(listed.get(rid, ()))
        together = len(recommended.get(rid, ()))
        return (10.0 * shared if shared >= need else 2.0 * shared) + 3.0 * together + rec_score.get(rid, 0.0)

    candidates = [rid for rid in set(listed) | set(recommended) if rid not in blocked]
    candidates.sort(key=lambda rid: (-score(rid), rid))
    ids = visible(candidates, strictest_cap(members))[:MAX_PICKS]
    durations = dict(Release.select(Release.id, Release.duration).where(Release.id.in_(ids)).tuples())
    return Shortlist(cards_for_ids(ids), durations, {rid: listed[rid] for rid in ids if rid in listed},
                     {rid: recommended[rid] for rid in ids if rid in recommended})


def fit(short: Shortlist, minutes: int) -> list[Pick]:
    """The shortlist as picks for ``minutes``: how many whole episodes fit (no queries)."""
    picks = []
    for card in short.cards:
        rid = card["id"]
        length = short.durations.get(rid) or DEFAULT_EPISODE_MINUTES
        episodes = minutes // length
        remaining = card.get("episodes_aired") or card.get("episodes_total")
        if remaining and card.get("kind") != "movie":
            episodes = min(episodes, remaining)
        picks.append(Pick(card, list(short.listed.get(rid, [])), list(short.recommended.get(rid, [])), length,
                          episodes, fits=episodes >= 1))
    return picks


def plan(members: list[User], minutes: int) -> list[Pick]:
    """Up to ``MAX_PICKS`` picks for ``members`` with ``minutes`` to spend, best first."""
    minutes = check_minutes(minutes)
    return fit(shortlist(members), minutes)

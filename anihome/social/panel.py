"""Everything the release page (or the player page) shows of the social area for one member,
with the release, the owner's switches, the member's progress and mute read once.

Nine queries for a release page however many comments and reviews it has (release, switches,
progress, mute, thread count / page / replies, reviews, votes); six for an episode thread.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..clock import utcnow
from ..errors import AppError
from . import comments, reviews, rules
from .spoilers import Reader
from .views import ThreadPage


@dataclass
class Panel:
    release_id: int
    season: int | None
    episode: int | None
    thread: ThreadPage
    reviews: reviews.ReleaseReviews | None
    blocked: AppError | None  # why the member cannot post now (muted, posting off)


def release_panel(viewer, release_id: int, season=None, episode=None, *, sort: str = "newest",
                  page: int = 1, per_page: int = 20, reveal: frozenset[int] = frozenset(),
                  review_reveal: frozenset[int] = frozenset(), now: datetime | None = None) -> Panel:
    """The thread of a release (with its reviews) or of one episode, as ``viewer`` reads it."""
    now = now or utcnow()
    if sort not in comments.SORTS:
        sort = "newest"
    release = rules.readable_release(viewer, release_id)
    season, episode = comments.place(season, episode)
    state = rules.switches()
    reader = Reader.of(viewer, release.id)
    blocked = None
    try:
        rules.check_may_post(viewer, 0, now, state)
    except AppError as exc:
        blocked = exc
    thread = comments.thread_page(viewer, release, state, reader, season, episode, sort, page, per_page,
                                  reveal, now)
    listed = reviews.release_reviews(viewer, release, state, reader, review_reveal) if episode is None else None
    return Panel(release.id, season, episode, thread, listed, blocked)

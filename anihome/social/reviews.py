"""Reviews: at most one per member per release, a score 1-10 and a text of 20+ characters,
with how far the reviewer had watched when writing it. The household score of a release is
the mean of its visible reviews. "Helpful" votes: one per member per review, never one's own.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from peewee import JOIN, fn

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, Conflict, Forbidden, NotFound
from ..library.progress import watched_episodes
from ..models import Review, ReviewVote, User
from . import rules
from .comments import check_body
from .markup import render
from .spoilers import Reader, gate_for

log = logging.getLogger(__name__)

SCORE_MIN, SCORE_MAX = 1, 10
BODY_MIN = 20
BODY_MAX = 4000


@dataclass
class ReviewView:
    id: int
    release_id: int
    author_id: int
    author: str
    score: int
    status: str
    body: str | None
    html: Markup | None
    gated: bool
    gated_for_others: bool
    spoiler_episode: int | None
    gate: tuple[int, int] | None
    watched_episodes: int
    total_episodes: int | None
    helpful_count: int
    voted: bool
    mine: bool
    created_at: datetime
    updated_at: datetime


def _score(value) -> int:
    if isinstance(value, bool) or value is None or value == "":
        raise AppError("Give a score from 1 to 10.", "score")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise AppError("The score must be a whole number from 1 to 10.", "score") from None
    if isinstance(value, float) or not SCORE_MIN <= number <= SCORE_MAX:
        raise AppError("The score must be a whole number from 1 to 10.", "score")
    return number


def _spoiler(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, (bool, float)):
        raise AppError("Enter a whole number.", "spoiler_episode")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise AppError("Enter a whole number.", "spoiler_episode") from None
    if not 1 <= number <= 100_000:
        raise AppError("The number is out of range.", "spoiler_episode")
    return number


def mine(actor, release_id: int) -> Review | None:
    """The actor's own review of a release (any status but deleted), or None."""
    rules.readable_release(actor, release_id)
    return Review.get_or_none((Review.release == release_id) & (Review.user == actor.id)
                              & (Review.status != "deleted"))


def save(actor, release_id: int, score, body, spoiler_episode=None, create_only: bool = False,
         limit_per_minute: int = 10, now: datetime | None = None) -> tuple[Review, bool]:
    """Write the actor's review of a release (create, or replace their own); (review, created).
    ``create_only`` refuses when one exists (a second review from a "new review" form)."""
    now = now or utcnow()
    release = rules.readable_release(actor, release_id)
    score = _score(score)
    text = check_body(body, minimum=BODY_MIN, maximum=BODY_MAX)
    spoiler = _spoiler(spoiler_episode)
    existing = Review.get_or_none((Review.release == release.id) & (Review.user == actor.id))
    if existing is not None and existing.status == "hidden":
        raise Forbidden("A moderator hid your review of this release; it cannot be changed.")
    live = existing is not None and existing.status != "deleted"
    if create_only and live:
        raise Conflict("You have already reviewed this release; edit that review instead.", "body")
    rules.check_may_post(actor, limit_per_minute if not live else 0, now)
    watched = len(watched_episodes(actor.id, release.id))
    fields = dict(score=score, body=text, spoiler_episode=spoiler, watched_episodes=watched,
                  total_episodes=release.episodes_total, status="visible", updated_at=now)
    with write_transaction():
        if existing is None:
            review = Review.create(release=release.id, user=actor.id, created_at=now, **fields)
        else:
            if not live:
                fields.update(created_at=now, helpful_count=0)
                ReviewVote.delete().where(ReviewVote.review == existing.id).execute()
            Review.update(**fields).where(Review.id == existing.id).execute()
            review = Review.get_by_id(existing.id)
    log.info("review saved review_id=%s release_id=%s user_id=%s score=%s created=%s",
             review.id, release.id, actor.id, score, not live)
    events.review_posted.send(None, review_id=review.id, release_id=release.id, user_id=actor.id,
                              score=score)
    events.social_changed.send(None, release_id=release.id)
    return review, not live


def delete_mine(actor, release_id: int, now: datetime | None = None) -> None:
    """Delete the actor's review of a release (soft; the score leaves the household mean)."""
    review = mine(actor, release_id)
    if review is None:
        raise NotFound("You have not reviewed this release.")
    with write_transaction():
        Review.update(status="deleted", updated_at=now or utcnow()).where(Review.id == review.id).execute()
    log.info("review deleted review_id=%s user_id=%s", review.id, actor.id)
    events.social_changed.send(None, release_id=release_id)


def household_score(release_id: int) -> dict | None:
    """{"mean", "count"} of the visible reviews of a release, None without any."""
    mean, count = (Review.select(fn.AVG(Review.score), fn.COUNT(Review.id))
                   .where((Review.release == release_id) & (Review.status == "visible"))
                   .tuples().first())
    return {"mean": round(float(mean), 2), "count": count} if count else None


def household_scores(release_ids: list[int]) -> dict[int, dict]:
    """``household_score`` for many releases in one query (releases without reviews left out)."""
    if not release_ids:
        return {}
    rows = (Review.select(Review.release, fn.AVG(Review.score), fn.COUNT(Review.id))
            .where(Review.release.in_(release_ids) & (Review.status == "visible"))
            .group_by(Review.release).tuples())
    return {rid: {"mean": round(float(mean), 2), "count": count} for rid, mean, count in rows}


def _readable(query, viewer, state):
    if rules.is_staff(viewer):
        query = query.where(Review.status != "deleted")
    else:
        query = query.where((Review.status == "visible")
                            | ((Review.status == "hidden") & (Review.user == viewer.id)))
    authors = rules.author_condition(viewer, state)
    return query.where(authors) if authors is not None else query


def _view(row, viewer, reader: Reader, voted: set[int], reveal: bool) -> ReviewView:
    gate = gate_for(None, None, row.spoiler_episode)
    decision = reader.decide(row.user_id, gate, reveal)
    body = row.body if decision.visible else None
    return ReviewView(row.id, row.release_id, row.user_id, row.author.username, row.score, row.status,
                      body, render(body) if body is not None else None, decision.gated,
                      decision.gated_for_others, row.spoiler_episode, gate, row.watched_episodes,
                      row.total_episodes, row.helpful_count, row.id in voted,
                      row.user_id == viewer.id, row.created_at, row.updated_at)


def for_release(viewer, release_id: int, page: int = 1, per_page: int = 20,
                reveal: frozenset[int] = frozenset()) -> tuple[list[ReviewView], int]:
    """One page of a release's reviews (most helpful, then newest) and the total."""
    release = rules.readable_release(viewer, release_id)
    query = _readable(Review.select(Review, User.username)
                      .join(User, JOIN.INNER, on=(Review.user == User.id), attr="author")
                      .where(Review.release == release.id), viewer, rules.switches())
    total = query.count()
    rows = list(query.order_by(Review.helpful_count.desc(), Review.updated_at.desc(), Review.id.desc())
                .paginate(page, per_page)) if total > (page - 1) * per_page else []
    voted = set()
    if rows:
        voted = {r for (r,) in ReviewVote.select(ReviewVote.review).where(
            (ReviewVote.user == viewer.id) & ReviewVote.review.in_([r.id for r in rows])).tuples()}
    reader = Reader.of(viewer, release.id)
    return [_view(r, viewer, reader, voted, r.id in reveal) for r in rows], total


@dataclass
class ReleaseReviews:
    items: list[ReviewView]
    mine: ReviewView | None
    score: dict | None


def release_reviews(viewer, release, state, reader: Reader, reveal: frozenset[int]) -> ReleaseReviews:
    """Every review of a release ``viewer`` may read (a household writes a handful), their own,
    and the household score, from two queries (reviews with authors, the viewer's votes)."""
    rows = list(Review.select(Review, User.username, User.age_cap, User.role)
                .join(User, JOIN.INNER, on=(Review.user == User.id), attr="author")
                .where((Review.release == release.id) & (Review.status != "deleted"))
                .order_by(Review.helpful_count.desc(), Review.updated_at.desc(), Review.id.desc()))
    staff = rules.is_staff(viewer)
    visible = [r for r in rows if r.status == "visible"]
    score = ({"mean": round(sum(r.score for r in visible) / len(visible), 2), "count": len(visible)}
             if visible else None)
    for row in rows:
        row.author.id = row.user_id
    shown = [r for r in rows if (r.status == "visible" or staff or r.user_id == viewer.id)
             and rules.author_allowed(viewer, state, r.author)]
    voted = set()
    if shown:
        voted = {r for (r,) in ReviewVote.select(ReviewVote.review).where(
            (ReviewVote.user == viewer.id) & ReviewVote.review.in_([r.id for r in shown])).tuples()}
    items = [_view(r, viewer, reader, voted, r.id in reveal) for r in shown]
    mine = next((v for v in items if v.mine), None)
    return ReleaseReviews(items, mine, score)


def view_mine(actor, release_id: int) -> ReviewView | None:
    review = mine(actor, release_id)
    if review is None:
        return None
    review.author = actor
    voted = set()
    return _view(review, actor, Reader(actor.id, rules.is_staff(actor), None), voted, True)


def _votable(actor, review_id: int) -> Review:
    review = Review.get_or_none((Review.id == review_id) & (Review.status == "visible"))
    if review is None:
        raise NotFound("No such review.")
    rules.readable_release(actor, review.release_id)
    if review.user_id == actor.id:
        raise Forbidden("You cannot vote for your own review.", "review_id", code="own_review")
    return review


def vote(actor, review_id: int, helpful: bool = True, now: datetime | None = None) -> int:
    """Mark a review helpful (or take the mark back); returns its helpful count."""
    review = _votable(actor, review_id)
    with write_transaction():
        had = ReviewVote.get_or_none((ReviewVote.review == review.id) & (ReviewVote.user == actor.id))
        if helpful and had is None:
            ReviewVote.create(review=review.id, user=actor.id, created_at=now or utcnow())
            Review.update(helpful_count=Review.helpful_count + 1).where(Review.id == review.id).execute()
        elif not helpful and had is not None:
            had.delete_instance()
            Review.update(helpful_count=Review.helpful_count - 1).where(Review.id == review.id).execute()
        count = Review.select(Review.helpful_count).where(Review.id == review.id).scalar()
    log.info("review vote review_id=%s user_id=%s helpful=%s", review.id, actor.id, helpful)
    events.social_changed.send(None, release_id=review.release_id)
    return count

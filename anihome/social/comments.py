"""Comments on a release or one episode of it, threaded one level deep.

Writers validate -> check the rules (``rules``) -> write in one short transaction -> log ->
signal (``comment_replied``). Readers get ``CommentView``s already decided by the spoiler
shield (``spoilers``): gated text is simply not in them. A thread page costs a fixed number of
queries however many comments or replies it shows.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from peewee import JOIN, fn

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, Forbidden, NotFound
from ..models import Comment, User
from . import rules
from .episodes import check_episode
from .markup import clean
from .spoilers import Reader, gate_for
from .views import EDIT_WINDOW, CommentView, ThreadPage, comment_view

log = logging.getLogger(__name__)

BODY_MAX = 4000
DUPLICATE_WINDOW = timedelta(seconds=60)
SORTS = ("newest", "oldest")
EPISODE_MAX = 100_000
NONCE_MAX = 40


def check_body(text, field: str = "body", minimum: int = 1, maximum: int = BODY_MAX) -> str:
    """Trimmed text within the limits, else AppError naming ``field``."""
    if text is not None and not isinstance(text, str):
        raise AppError("Send the text as a string.", field)
    body = clean(text)
    if len(body) < minimum:
        raise AppError("Write something first." if minimum == 1 else
                       "A review needs at least 20 characters.", field)
    if len(body) > maximum:
        raise AppError("The text can have at most 4,000 characters.", field)
    return body


def _whole(value, field: str, minimum: int, maximum: int = EPISODE_MAX) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise AppError("Enter a whole number.", field)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise AppError("Enter a whole number.", field) from None
    if not minimum <= number <= maximum:
        raise AppError("The number is out of range.", field)
    return number


def place(season, episode) -> tuple[int | None, int | None]:
    """(season, episode) of a thread: both None (the release), or an episode (season 1 by default)."""
    season = _whole(season, "season", 0)
    episode = _whole(episode, "episode", 1)
    if episode is None:
        if season is not None:
            raise AppError("Give the episode with the season.", "episode")
        return None, None
    return (1 if season is None else season), episode


def _same_place(query, season, episode):
    if episode is None:
        return query.where(Comment.season.is_null() & Comment.episode.is_null())
    return query.where((Comment.season == season) & (Comment.episode == episode))


def post(actor, release_id: int, body, season=None, episode=None, parent_id=None,
         spoiler_episode=None, nonce: str | None = None, limit_per_minute: int = 10,
         now: datetime | None = None) -> Comment:
    """Post a comment (or a reply). A repeated submit (same ``nonce``, or the same text in the
    same place within a minute) returns the first comment instead of adding another."""
    now = now or utcnow()
    release = rules.readable_release(actor, release_id)
    text = check_body(body)
    season, episode = place(season, episode)
    spoiler_episode = _whole(spoiler_episode, "spoiler_episode", 1)
    parent_id = _whole(parent_id, "parent_id", 1, 2 ** 62)
    nonce = (nonce or "").strip()[:NONCE_MAX] or None
    parent = None
    if parent_id is not None:
        parent = Comment.get_or_none((Comment.id == parent_id) & (Comment.release == release.id))
        if parent is None or parent.status == "deleted" or (parent.status == "hidden" and not rules.is_staff(actor)):
            raise AppError("The comment you reply to does not exist (any more).", "parent_id", status=404,
                           code="not_found")
        if parent.parent_id is not None:
            raise AppError("Replies go under the first comment of a thread, not under a reply.", "parent_id")
        if episode is not None and (season, episode) != (parent.season, parent.episode):
            raise AppError("A reply belongs to its comment's episode.", "episode")
        season, episode = parent.season, parent.episode
    elif episode is not None:
        check_episode(release, season, episode)
    existing = _duplicate(actor.id, release.id, season, episode, parent_id, text, nonce, now)
    if existing is not None:  # a double submit is answered before it could count as a post
        log.info("comment duplicate ignored comment_id=%s user_id=%s", existing.id, actor.id)
        return existing
    rules.check_may_post(actor, limit_per_minute, now)
    with write_transaction():
        existing = _duplicate(actor.id, release.id, season, episode, parent_id, text, nonce, now)
        if existing is not None:  # the same submit won the race for the write lock
            return existing
        gate = gate_for(season, episode, spoiler_episode)
        comment = Comment.create(release=release.id, user=actor.id, parent=parent_id, season=season,
                                 episode=episode, spoiler_episode=spoiler_episode,
                                 gate_season=gate[0] if gate else None,
                                 gate_episode=gate[1] if gate else None,
                                 body=text, nonce=nonce, created_at=now)
        if parent is not None:
            Comment.update(live_replies=Comment.live_replies + 1).where(Comment.id == parent.id).execute()
    log.info("comment posted comment_id=%s release_id=%s user_id=%s parent_id=%s episode=%s",
             comment.id, release.id, actor.id, parent_id, episode)
    events.social_changed.send(None, release_id=release.id)
    if parent is not None and parent.user_id != actor.id:
        events.comment_replied.send(None, comment_id=comment.id, parent_id=parent.id,
                                    release_id=release.id, user_id=actor.id,
                                    parent_user_id=parent.user_id)
    return comment


def _duplicate(user_id, release_id, season, episode, parent_id, text, nonce, now) -> Comment | None:
    if nonce:
        same = Comment.get_or_none((Comment.user == user_id) & (Comment.nonce == nonce))
        if same is not None:
            return same
    query = Comment.select().where((Comment.user == user_id) & (Comment.release == release_id)
                                   & (Comment.created_at > now - DUPLICATE_WINDOW)
                                   & (Comment.body == text) & (Comment.status == "visible"))
    query = query.where(Comment.parent.is_null() if parent_id is None else Comment.parent == parent_id)
    return _same_place(query, season, episode).first()


def own_comment(actor, comment_id: int) -> Comment:
    """The comment if it is the actor's and the actor may still see its release."""
    comment = Comment.get_or_none(Comment.id == comment_id)
    if comment is None or comment.status == "deleted":
        raise NotFound("No such comment.")
    rules.readable_release(actor, comment.release_id)
    if comment.user_id != actor.id:
        raise Forbidden("You can only change your own comments.")
    return comment


def edit(actor, comment_id: int, body, spoiler_episode=None, now: datetime | None = None) -> Comment:
    """Change one's own comment within 15 minutes of posting; it shows as edited."""
    now = now or utcnow()
    comment = own_comment(actor, comment_id)
    text = check_body(body)
    spoiler = _whole(spoiler_episode, "spoiler_episode", 1)
    if comment.status != "visible":
        raise Forbidden("A moderator hid this comment; it cannot be edited.")
    if now - comment.created_at > EDIT_WINDOW:
        raise AppError("Comments can be edited for 15 minutes after posting.", "body", status=409,
                       code="edit_window_closed")
    rules.check_may_post(actor, 0, now)
    gate = gate_for(comment.season, comment.episode, spoiler if spoiler is not None else comment.spoiler_episode)
    with write_transaction():
        Comment.update(body=text, edited_at=now, spoiler_episode=spoiler if spoiler is not None else comment.spoiler_episode,
                       gate_season=gate[0] if gate else None, gate_episode=gate[1] if gate else None
                       ).where(Comment.id == comment.id).execute()
    log.info("comment edited comment_id=%s user_id=%s", comment.id, actor.id)
    events.social_changed.send(None, release_id=comment.release_id)
    return Comment.get_by_id(comment.id)


def delete(actor, comment_id: int, now: datetime | None = None) -> None:
    """Delete one's own comment at any time (soft: a thread keeps its shape)."""
    comment = own_comment(actor, comment_id)
    mark_deleted(comment, now or utcnow())
    log.info("comment deleted comment_id=%s user_id=%s", comment.id, actor.id)


def mark_deleted(comment: Comment, now: datetime) -> None:
    """Soft-delete ``comment`` (any status) and keep its parent's reply count right."""
    with write_transaction():
        changed = (Comment.update(status="deleted", deleted_at=now)
                   .where((Comment.id == comment.id) & (Comment.status != "deleted")).execute())
        if changed and comment.parent_id is not None:
            (Comment.update(live_replies=Comment.live_replies - 1)
             .where((Comment.id == comment.parent_id) & (Comment.live_replies > 0)).execute())
    events.social_changed.send(None, release_id=comment.release_id)


def _conditions(viewer, state: rules.Switches) -> tuple[list, bool]:
    """What ``viewer`` may see: visible text, placeholders that hold replies, own hidden text;
    staff also see hidden text; authors the owner's switch hides from kids are left out.
    Returns the conditions and whether they need the author (``User``) joined."""
    if rules.is_staff(viewer):
        shown = (Comment.status != "deleted") | (Comment.live_replies > 0)
    else:
        shown = ((Comment.status == "visible") | (Comment.live_replies > 0)
                 | ((Comment.status == "hidden") & (Comment.user == viewer.id)))
    authors = rules.author_condition(viewer, state)
    return ([shown] if authors is None else [shown, authors]), authors is not None


def _readable(query, viewer, state: rules.Switches):
    """``query`` (comments joined with their authors) narrowed to what ``viewer`` may see."""
    return query.where(*_conditions(viewer, state)[0])


def _count_top(release_id: int, season, episode, viewer, state: rules.Switches) -> int:
    """How many top-level comments ``viewer`` sees in a thread: a bare COUNT (Peewee's
    ``count()`` would wrap the page's select, texts included), the author join only when the
    kids switch needs it."""
    conditions, needs_author = _conditions(viewer, state)
    query = Comment.select(fn.COUNT(Comment.id))
    if needs_author:
        query = query.join(User, JOIN.INNER, on=(Comment.user == User.id))
    query = _same_place(query.where((Comment.release == release_id) & Comment.parent.is_null()),
                        season, episode)
    return query.where(*conditions).scalar() or 0


def _select():
    return Comment.select(Comment, User.username).join(User, JOIN.INNER, on=(Comment.user == User.id), attr="author")


def thread(viewer, release_id: int, season=None, episode=None, sort: str = "newest", page: int = 1,
           per_page: int = 20, reveal: frozenset[int] = frozenset(),
           now: datetime | None = None) -> ThreadPage:
    """One page of a release's (or an episode's) top-level comments with all their replies."""
    if sort not in SORTS:
        raise AppError("sort must be newest or oldest.", "sort")
    release = rules.readable_release(viewer, release_id)
    season, episode = place(season, episode)
    return thread_page(viewer, release, rules.switches(), Reader.of(viewer, release.id), season, episode,
                       sort, page, per_page, reveal, now or utcnow())


def thread_page(viewer, release, state: rules.Switches, reader: Reader, season: int | None,
                episode: int | None, sort: str, page: int, per_page: int, reveal: frozenset[int],
                now: datetime) -> ThreadPage:
    """``thread`` once the release, the switches and the reader are known (three queries:
    count, page, replies)."""
    top = _readable(_same_place(_select().where((Comment.release == release.id)
                                                & Comment.parent.is_null()), season, episode),
                    viewer, state)
    total = _count_top(release.id, season, episode, viewer, state)
    order = Comment.created_at.desc() if sort == "newest" else Comment.created_at.asc()
    rows = list(top.order_by(order, Comment.id.desc() if sort == "newest" else Comment.id.asc())
                .paginate(page, per_page)) if total > (page - 1) * per_page else []
    replies: dict[int, list[CommentView]] = {}
    if rows:
        query = _readable(_select().where(Comment.parent.in_([r.id for r in rows])), viewer, state)
        for row in query.order_by(Comment.created_at, Comment.id):
            replies.setdefault(row.parent_id, []).append(
                comment_view(row, viewer, reader, row.id in reveal, now))
    items = []
    for row in rows:
        view = comment_view(row, viewer, reader, row.id in reveal, now)
        view.replies = replies.get(row.id, [])
        view.replies_count = len(view.replies)
        items.append(view)
    return ThreadPage(release.id, season, episode, sort, items, total, page, per_page)


def replies_page(viewer, comment_id: int, page: int = 1, per_page: int = 20,
                 reveal: frozenset[int] = frozenset(), now: datetime | None = None) -> tuple[CommentView, ThreadPage]:
    """A top-level comment and one page of its replies (oldest first)."""
    now = now or utcnow()
    parent = _one(viewer, comment_id)
    if parent.parent_id is not None:
        raise AppError("This comment is a reply; it has no replies of its own.", "parent_id")
    state = rules.switches()
    reader = Reader.of(viewer, parent.release_id)
    query = _readable(_select().where(Comment.parent == parent.id), viewer, state)
    total = query.count()
    rows = list(query.order_by(Comment.created_at, Comment.id).paginate(page, per_page)) \
        if total > (page - 1) * per_page else []
    items = [comment_view(r, viewer, reader, r.id in reveal, now) for r in rows]
    head = comment_view(parent, viewer, reader, parent.id in reveal, now)
    return head, ThreadPage(parent.release_id, parent.season, parent.episode, "oldest", items, total,
                            page, per_page)


def _one(viewer, comment_id: int) -> Comment:
    row = _readable(_select().where(Comment.id == comment_id), viewer, rules.switches()).first()
    if row is None:
        raise NotFound("No such comment.")
    rules.readable_release(viewer, row.release_id)
    return row


def read_one(viewer, comment_id: int, reveal: bool = False, now: datetime | None = None) -> CommentView:
    """One comment as ``viewer`` may read it; ``reveal`` is the per-click "show anyway"."""
    row = _one(viewer, comment_id)
    return comment_view(row, viewer, Reader.of(viewer, row.release_id), reveal, now or utcnow())


def count_for(viewer, release_id: int) -> int:
    """How many comments ``viewer`` can see on a release (all episodes), for a page heading."""
    query = _readable(_select().where(Comment.release == release_id), viewer, rules.switches())
    return query.where(Comment.status == "visible").count()


__all__ = ["BODY_MAX", "EDIT_WINDOW", "SORTS", "CommentView", "ThreadPage", "check_body", "delete",
           "edit", "mark_deleted", "place", "post", "read_one", "replies_page", "thread"]

"""Reports, the moderation queue, hide/restore/delete, and mutes.

Any member can report a comment or review they can read. Moderators (role moderator, admin
or owner) work through the queue: each action resolves the open reports on that text and is
written to the audit log with its reason. Nobody acts on the text of, or mutes, a member of
their own rank or above (a moderator cannot hide the owner).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import fn

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, Forbidden, NotFound
from ..models import Comment, Mute, Release, Report, Review, User
from ..models.accounts import ROLE_LEVEL
from ..models.social import TARGET_KINDS
from . import audit, rules
from .comments import mark_deleted
from .markup import plain

log = logging.getLogger(__name__)

ACTIONS = ("hide", "restore", "delete")
REASON_MAX = 500
MUTE_DAYS_MAX = 365
MODELS = {"comment": Comment, "review": Review}


@dataclass
class QueueItem:
    kind: str
    target_id: int
    release_id: int
    release_title: str
    author: str
    status: str
    excerpt: str
    reports: int
    reasons: list[str]
    first_reported_at: datetime
    season: int | None = None
    episode: int | None = None


def _kind(kind) -> str:
    if kind not in TARGET_KINDS:
        raise AppError("kind must be comment or review.", "kind")
    return kind


def _reason(reason, required: bool = False) -> str:
    if reason is not None and not isinstance(reason, str):
        raise AppError("reason must be text.", "reason")
    text = (reason or "").strip()
    if required and not text:
        raise AppError("Say briefly what is wrong with it.", "reason")
    if len(text) > REASON_MAX:
        raise AppError("The reason can have at most 500 characters.", "reason")
    return text


def _target(kind: str, target_id: int):
    row = MODELS[kind].get_or_none(MODELS[kind].id == target_id)
    if row is None:
        raise NotFound("No such comment or review.")
    return row


def check_staff(actor) -> None:
    if not rules.is_staff(actor):
        raise Forbidden("Only moderators can do this.")


def _outranks(actor, user: User) -> bool:
    return actor.id != user.id and ROLE_LEVEL.get(actor.role, -1) > ROLE_LEVEL.get(user.role, -1)


def report(actor, kind, target_id: int, reason, now: datetime | None = None) -> Report:
    """Report a comment or review the actor can read; a second report of the same text by the
    same member while it is open returns the first."""
    kind = _kind(kind)
    text = _reason(reason, required=True)
    row = _target(kind, target_id)
    if row.status == "deleted" or (row.status == "hidden" and not rules.is_staff(actor)):
        raise NotFound("No such comment or review.")
    rules.readable_release(actor, row.release_id)
    if row.user_id == actor.id:
        raise AppError("You cannot report your own text; edit or delete it instead.", "target_id")
    now = now or utcnow()
    with write_transaction():
        open_one = Report.get_or_none((Report.kind == kind) & (Report.target_id == row.id)
                                      & (Report.reporter == actor.id) & Report.resolved_at.is_null())
        if open_one is not None:
            return open_one
        made = Report.create(kind=kind, target_id=row.id, reporter=actor.id, reason=text, created_at=now)
    log.info("report made report_id=%s kind=%s target_id=%s by=%s", made.id, kind, row.id, actor.id)
    events.social_changed.send(None, release_id=None)
    return made


def queue(actor, page: int = 1, per_page: int = 20) -> tuple[list[QueueItem], int]:
    """Open reports grouped by the reported text, oldest first (staff only). Five queries."""
    check_staff(actor)
    grouped = (Report.select(Report.kind, Report.target_id, fn.COUNT(Report.id).alias("n"),
                             fn.MIN(Report.created_at).alias("first"))
               .where(Report.resolved_at.is_null()).group_by(Report.kind, Report.target_id))
    total = grouped.count()
    groups = list(grouped.order_by(fn.MIN(Report.created_at), Report.kind, Report.target_id)
                  .paginate(page, per_page).tuples()) if total > (page - 1) * per_page else []
    if not groups:
        return [], total
    reasons: dict[tuple, list[str]] = {}
    for kind, target_id, reason in (Report.select(Report.kind, Report.target_id, Report.reason)
                                    .where(Report.resolved_at.is_null()
                                           & Report.target_id.in_([g[1] for g in groups]))
                                    .order_by(Report.created_at).tuples()):
        reasons.setdefault((kind, target_id), []).append(reason)
    targets = {}
    for kind, model in MODELS.items():
        ids = [g[1] for g in groups if g[0] == kind]
        if ids:
            rows = (model.select(model, User.username, Release.title)
                    .join(User, on=(model.user == User.id), attr="author").switch(model)
                    .join(Release, on=(model.release == Release.id), attr="release_row").where(model.id.in_(ids)))
            targets.update({(kind, r.id): r for r in rows})
    items = []
    for kind, target_id, count, first in groups:
        row = targets.get((kind, target_id))
        if row is None:  # the text was removed with its release or member
            continue
        items.append(QueueItem(kind, target_id, row.release_id, row.release_row.title, row.author.username,
                               row.status, plain(row.body, 280), count, reasons.get((kind, target_id), []),
                               first, getattr(row, "season", None), getattr(row, "episode", None)))
    return items, total


def act(actor, kind, target_id: int, action, reason=None, now: datetime | None = None) -> str:
    """Hide, restore or delete a comment or review; resolves its open reports; audited.
    Returns the text's new status."""
    check_staff(actor)
    kind = _kind(kind)
    if action not in ACTIONS:
        raise AppError("action must be one of: hide, restore, delete.", "action")
    text = _reason(reason)
    row = _target(kind, target_id)
    author = User.get_by_id(row.user_id)
    if author.id != actor.id and not _outranks(actor, author):
        raise Forbidden("You cannot moderate the text of a member of your rank or above.")
    if row.status == "deleted" and action != "delete":
        raise AppError("This text was deleted; it cannot be hidden or restored.", "action", status=409,
                       code="conflict")
    now = now or utcnow()
    model = MODELS[kind]
    with write_transaction():
        if action == "delete":
            if kind == "comment":
                mark_deleted(row, now)
            else:
                model.update(status="deleted", updated_at=now).where(model.id == row.id).execute()
            status = "deleted"
        else:
            status = "hidden" if action == "hide" else "visible"
            model.update(status=status).where((model.id == row.id) & (model.status != "deleted")).execute()
        resolved = (Report.update(resolved_at=now, resolved_by=actor.id, resolution=action)
                    .where((Report.kind == kind) & (Report.target_id == row.id)
                           & Report.resolved_at.is_null()).execute())
        audit.record(actor, action, kind, row.id, author.username, text, now)
    log.info("moderation action=%s kind=%s target_id=%s by=%s reports_resolved=%s",
             action, kind, row.id, actor.id, resolved)
    events.social_changed.send(None, release_id=None)
    return status


def mute(actor, user_id: int, days, reason=None, now: datetime | None = None) -> Mute:
    """Stop a member from posting for ``days`` days (1-365); audited."""
    check_staff(actor)
    if isinstance(days, bool) or days is None or days == "":
        raise AppError("Give the number of days.", "days")
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise AppError("Enter a whole number of days.", "days") from None
    if not 1 <= days <= MUTE_DAYS_MAX:
        raise AppError("A mute lasts from 1 to 365 days.", "days")
    text = _reason(reason)
    target = User.get_or_none(User.id == user_id)
    if target is None:
        raise NotFound("No such member.", "user_id")
    if not _outranks(actor, target):
        raise Forbidden("You cannot mute yourself or a member of your rank or above.", "user_id")
    now = now or utcnow()
    with write_transaction():
        row = Mute.create(user=target.id, until=now + timedelta(days=days), reason=text,
                          created_by=actor.id, created_at=now)
        audit.record(actor, "mute", "member", target.id, target.username,
                     f"{days} d" + (f": {text}" if text else ""), now)
    log.info("member muted user_id=%s days=%s by=%s", target.id, days, actor.id)
    events.social_changed.send(None, release_id=None)
    return row


def unmute(actor, user_id: int, reason=None, now: datetime | None = None) -> int:
    """Lift a member's active mutes; audited. Returns how many were lifted."""
    check_staff(actor)
    text = _reason(reason)
    target = User.get_or_none(User.id == user_id)
    if target is None:
        raise NotFound("No such member.", "user_id")
    if not _outranks(actor, target):
        raise Forbidden("You cannot unmute a member of your rank or above.", "user_id")
    now = now or utcnow()
    with write_transaction():
        lifted = (Mute.update(lifted_at=now).where((Mute.user == target.id) & (Mute.until > now)
                                                   & Mute.lifted_at.is_null()).execute())
        if lifted:
            audit.record(actor, "unmute", "member", target.id, target.username, text, now)
    events.social_changed.send(None, release_id=None)
    return lifted


def active_mutes(actor, now: datetime | None = None) -> list[tuple[Mute, str]]:
    """Mutes in force with the muted member's name (staff only)."""
    check_staff(actor)
    now = now or utcnow()
    rows = (Mute.select(Mute, User.username).join(User, on=(Mute.user == User.id), attr="member")
            .where((Mute.until > now) & Mute.lifted_at.is_null()).order_by(Mute.until))
    return [(row, row.member.username) for row in rows]


def mutable_members(actor) -> list[User]:
    """Members the actor may mute (below their rank), by name."""
    check_staff(actor)
    below = [role for role, level in ROLE_LEVEL.items() if level < ROLE_LEVEL.get(actor.role, -1)]
    return list(User.select(User.id, User.username).where(User.role.in_(below) & (User.is_active == True))  # noqa: E712
                .order_by(User.username_key))

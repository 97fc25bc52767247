"""Who may read and who may post: the age cap, the owner's switches, mutes and the rate limit.

One home for these rules: every comment and review service calls them, so the web pages, the
API and anything later get the same answers.

* A release hidden by the reader's age cap hides its comments and reviews (404, as the catalog).
* ``kids_restricted`` (owner's switch): a member with an age cap reads only text written by
  other capped members, by the household's moderators, admins and owner, and their own.
* ``capped_posting_off`` (owner's switch): members with an age cap cannot post.
* A muted member cannot post until the mute ends; the error says until when.
* Posting (comments and reviews together) is limited per member per minute (SOCIAL_RATE_LIMIT).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import fn

from .. import events
from ..catalog.agecap import cap_of
from ..catalog.releases import get_visible_release
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, Forbidden
from ..models import AppSetting, Comment, Mute, Release, Review, User

STAFF_ROLES = ("moderator", "admin", "owner")
SWITCHES = {
    "kids_restricted": "social.kids_restricted",
    "capped_posting_off": "social.capped_posting_off",
}


class RateLimited(AppError):
    """Too many posts this minute; ``limit`` is the setting."""
    status, code = 429, "rate_limited"

    def __init__(self, limit: int):
        super().__init__(f"You can post at most {limit} times a minute. Wait a moment and send it again.")
        self.limit = limit


class Muted(Forbidden):
    """The member is muted; ``until`` and ``reason`` say for how long and why."""
    code = "muted"

    def __init__(self, until: datetime, reason: str):
        super().__init__(f"You are muted until {until:%Y-%m-%d %H:%M} UTC"
                         + (f" ({reason})." if reason else ".") + " You can still read.")
        self.until, self.reason = until, reason


@dataclass(frozen=True)
class Switches:
    kids_restricted: bool = False
    capped_posting_off: bool = False


def switches() -> Switches:
    """The owner's social switches (one query)."""
    rows = AppSetting.select(AppSetting.key, AppSetting.value).where(
        AppSetting.key.in_(list(SWITCHES.values())))
    values = {row.key: row.value == "1" for row in rows}
    return Switches(**{name: values.get(key, False) for name, key in SWITCHES.items()})


def set_switches(actor: User, now: datetime | None = None, **values: bool) -> Switches:
    """Change the owner's switches (owner only); returns the new state."""
    if actor is None or actor.role != "owner":
        raise Forbidden("Only the owner can change these settings.")
    unknown = set(values) - set(SWITCHES)
    if unknown:
        raise AppError("Unknown setting.", field=sorted(unknown)[0])
    now = now or utcnow()
    with write_transaction():
        for name, value in values.items():
            text = "1" if value else "0"
            (AppSetting.insert(key=SWITCHES[name], value=text, updated_at=now)
             .on_conflict(conflict_target=[AppSetting.key],
                          update={AppSetting.value: text, AppSetting.updated_at: now})
             .execute())
    events.social_changed.send(None, release_id=None)
    return switches()


def is_staff(user) -> bool:
    return user is not None and user.has_role("moderator")


def readable_release(viewer, release_id: int) -> Release:
    """The release if ``viewer`` may see it (age cap), else NotFound."""
    return get_visible_release(release_id, cap_of(viewer))


def author_condition(viewer, state: Switches):
    """A condition on ``User`` (the author) for what ``viewer`` may read, or None for all."""
    if not state.kids_restricted or cap_of(viewer) is None or is_staff(viewer):
        return None
    return User.age_cap.is_null(False) | User.role.in_(STAFF_ROLES) | (User.id == viewer.id)


def author_allowed(viewer, state: Switches, author) -> bool:
    """``author_condition`` for one author already loaded (a ``User``)."""
    if not state.kids_restricted or cap_of(viewer) is None or is_staff(viewer):
        return True
    return author.age_cap is not None or author.role in STAFF_ROLES or author.id == viewer.id


def active_mute(user_id: int, now: datetime | None = None) -> Mute | None:
    now = now or utcnow()
    return (Mute.select().where((Mute.user == user_id) & (Mute.until > now) & Mute.lifted_at.is_null())
            .order_by(Mute.until.desc()).first())


def check_may_post(user, limit_per_minute: int, now: datetime | None = None,
                   state: Switches | None = None) -> None:
    """Refuse a post from a muted member, a capped one while posting is off, or over the limit."""
    now = now or utcnow()
    mute = active_mute(user.id, now)
    if mute is not None:
        raise Muted(mute.until, mute.reason)
    state = state or switches()
    if state.capped_posting_off and cap_of(user) is not None:
        raise Forbidden("Posting is turned off for members with an age limit.", code="posting_off")
    if limit_per_minute and limit_per_minute > 0:
        since = now - timedelta(seconds=60)
        recent = (Comment.select(fn.COUNT(Comment.id))
                  .where((Comment.user == user.id) & (Comment.created_at > since)).scalar() or 0)
        recent += (Review.select(fn.COUNT(Review.id))
                   .where((Review.user == user.id) & (Review.created_at > since)).scalar() or 0)
        if recent >= limit_per_minute:
            raise RateLimited(limit_per_minute)

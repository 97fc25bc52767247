"""Who may see a member's own statistics.

A member always sees their own. The owner and admins see household aggregates; the detail
of another member only when that member shares it ("share my statistics with the
household"). The choice is off by default for adults and on by default for members with an
age cap (their parent is the owner). A year in review shared by a member can be opened by
anyone in the household.
"""
from __future__ import annotations

import logging

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, Forbidden, NotFound
from ..models import MemberShare, User

log = logging.getLogger(__name__)


def default_share(user: User) -> bool:
    return user.age_cap is not None


def shares(user: User) -> bool:
    """True when ``user`` shares their statistics (their choice, else the default)."""
    row = MemberShare.get_or_none(MemberShare.user == user.id)
    return row.share if row is not None else default_share(user)


def shares_by_user(users: list[User]) -> dict[int, bool]:
    chosen = {row.user_id: row.share for row in
              MemberShare.select().where(MemberShare.user.in_([u.id for u in users]))}
    return {u.id: chosen.get(u.id, default_share(u)) for u in users}


def set_share(user_id: int, share) -> bool:
    """Record the member's own choice; anything but true/false is a 400 naming ``share``."""
    if not isinstance(share, bool):
        raise AppError("share must be true or false.", "share")
    now = utcnow()
    with write_transaction():
        updated = (MemberShare.update(share=share, updated_at=now)
                   .where(MemberShare.user == user_id).execute())
        if not updated:
            MemberShare.create(user=user_id, share=share, updated_at=now)
    log.info("stats sharing user_id=%s share=%s", user_id, share)
    events.member_data_changed.send(None, user_id=user_id, kind="stats_sharing")
    return share


def target(user_id) -> User:
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        raise AppError("id must be a whole number.", "id") from None
    if not 0 < uid < 2 ** 63:
        raise NotFound("No such member.", "id")
    user = User.get_or_none(User.id == uid)
    if user is None:
        raise NotFound("No such member.", "id")
    return user


def can_see_detail(viewer: User, member: User) -> bool:
    """Per-member detail: one's own, or an admin looking at a member who shares."""
    if viewer.id == member.id:
        return True
    return viewer.has_role("admin") and shares(member)


def require_detail(viewer: User, user_id) -> User:
    """The member whose detail ``viewer`` asks for; 403 naming ``id`` when it is not theirs to see."""
    member = target(user_id)
    if not can_see_detail(viewer, member):
        raise Forbidden("This member does not share their statistics.", "id")
    return member


def require_year(viewer: User, user_id) -> User:
    """A year in review: one's own, or any household member's who shares."""
    member = target(user_id)
    if viewer.id != member.id and not shares(member):
        raise Forbidden("This member does not share their statistics.", "id")
    return member

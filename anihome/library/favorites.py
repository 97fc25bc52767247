"""A member's favorite releases: add, remove, list. Private to the member; a release above
the member's age cap cannot be added and is neither listed nor counted."""
from __future__ import annotations

from datetime import datetime

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..catalog.agecap import apply_age_cap, member_cap
from ..errors import NotFound
from ..models import Favorite, Release
from .lists import release_for


def add(user_id: int, release_id, now: datetime | None = None) -> Favorite:
    """Mark a release as a favorite (doing it twice is harmless); NotFound above the cap."""
    release = release_for(user_id, release_id)
    with write_transaction():
        row = Favorite.get_or_none((Favorite.user == user_id) & (Favorite.release == release.id))
        if row is None:
            row = Favorite.create(user=user_id, release=release, created_at=now or utcnow())
    events.member_data_changed.send(None, user_id=user_id, kind="favorites")
    return row


def remove(user_id: int, release_id) -> None:
    release = release_for(user_id, release_id)
    with write_transaction():
        deleted = Favorite.delete().where((Favorite.user == user_id)
                                          & (Favorite.release == release.id)).execute()
    if not deleted:
        raise NotFound("This release is not among your favorites.", "release_id")
    events.member_data_changed.send(None, user_id=user_id, kind="favorites")


def is_favorite(user_id: int, release_id: int) -> bool:
    return Favorite.select().where((Favorite.user == user_id)
                                   & (Favorite.release == release_id)).exists()


def _visible(query, user_id: int):
    return apply_age_cap(query.join(Release).where(Favorite.user == user_id), member_cap(user_id))


def listing(user_id: int, limit: int = 50, offset: int = 0) -> list[Favorite]:
    """The member's favorites with their releases, newest first."""
    return list(_visible(Favorite.select(Favorite, Release), user_id)
                .order_by(Favorite.created_at.desc(), Favorite.id.desc())
                .limit(limit).offset(offset))


def count(user_id: int) -> int:
    return _visible(Favorite.select(Favorite.id), user_id).count()

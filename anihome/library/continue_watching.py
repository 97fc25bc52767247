"""The "continue watching" row and "next up" per release.

For each release a member watched lately: the episode they left part-way (resume), else the
episode after the last one they finished (next), in the dub they chose. Releases they
removed from the row, snoozed, dropped, or have nothing new to watch in, are left out.
A removed or snoozed release comes back as soon as the member watches it again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from peewee import fn

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError
from ..models import ContinueHidden, ListEntry, Release, Translation, WatchProgress
from . import episodes, progress
from .lists import get_release

log = logging.getLogger(__name__)

MAX_SNOOZE_DAYS = 365


@dataclass
class ContinueItem:
    """One card of the row. ``kind`` is "resume" (part-way) or "next" (the following episode);
    ``position`` is where the player will start (seconds); ``url`` opens the player."""
    release: Release
    translation_id: int
    season: int
    episode: int
    kind: str
    position: int
    duration: float | None
    percent: int
    updated_at: datetime
    url: str

    @property
    def release_id(self) -> int:
        return self.release.id

    def as_dict(self) -> dict:
        return {"release_id": self.release.id, "title": self.release.title,
                "poster_url": self.release.poster_url, "translation_id": self.translation_id,
                "season": self.season, "episode": self.episode, "kind": self.kind,
                "position": self.position, "duration": self.duration, "percent": self.percent,
                "updated_at": self.updated_at.isoformat() + "Z", "url": self.url}


def watch_url(release_id: int, translation_id: int, season: int, episode: int) -> str:
    """The player page for one episode (the same URL the catalog's release page links to)."""
    query = urlencode({"translation": translation_id, "season": season, "episode": episode})
    return f"/watch/{release_id}?{query}"


def default_translation(release_id: int) -> Translation | None:
    """The dub offered when a member has not chosen one: voice first, then most episodes."""
    return (Translation.select()
            .where((Translation.release == release_id) & (Translation.available == True))  # noqa: E712
            .order_by(Translation.voice.desc(), Translation.episodes_count.desc(nulls="LAST"),
                      Translation.id)
            .first())


def translation_for(user_id: int, release_id: int, hint: int | None = None) -> Translation | None:
    """The member's chosen dub for a release, else ``hint``, else the default one."""
    for candidate in (progress.chosen_translation(user_id, release_id), hint):
        if candidate is not None:
            translation = Translation.get_or_none((Translation.id == candidate)
                                                  & (Translation.release == release_id))
            if translation is not None and translation.available:
                return translation
    return default_translation(release_id)


def next_up(user_id: int, release_id: int, release: Release | None = None) -> ContinueItem | None:
    """Where the member goes on in a release, or None when they have not started it or are
    caught up with every episode available."""
    row = progress.latest_for_release(user_id, release_id)
    if row is None:
        return None
    translation = translation_for(user_id, release_id, row.translation_id)
    if translation is None:
        return None
    release = release or Release.get_by_id(release_id)
    if not row.watched:
        start = progress.resume_position(row)
        return ContinueItem(release, translation.id, row.season, row.number, "resume", start,
                            row.duration, row.percent, row.updated_at,
                            watch_url(release_id, translation.id, row.season, row.number))
    following = episodes.next_after(translation, row.season, row.number)
    if following is None:
        return None
    season, number = following
    later = progress.get(user_id, release_id, season, number)
    start = progress.resume_position(later)
    return ContinueItem(release, translation.id, season, number, "next", start,
                        later.duration if later else None, later.percent if later else 0,
                        row.updated_at, watch_url(release_id, translation.id, season, number))


def for_user(user_id: int, limit: int = 12, now: datetime | None = None) -> list[ContinueItem]:
    """The member's continue-watching row, most recently watched first.

    Stable signature for the home page: ``for_user(user_id, limit) -> list[ContinueItem]``;
    each item has ``release`` (a Release), ``season``, ``episode``, ``kind``, ``percent`` and
    ``url``. Never raises for a member with no history (an empty list)."""
    now = now or utcnow()
    hidden = (ContinueHidden.select(ContinueHidden.release)
              .where((ContinueHidden.user == user_id)
                     & (ContinueHidden.hidden_until.is_null() | (ContinueHidden.hidden_until > now))))
    dropped = (ListEntry.select(ListEntry.release)
               .where((ListEntry.user == user_id) & (ListEntry.status == "dropped")))
    last = fn.MAX(WatchProgress.updated_at)
    recent = (WatchProgress.select(WatchProgress.release, last.alias("last"))
              .where((WatchProgress.user == user_id)
                     & WatchProgress.release.not_in(hidden) & WatchProgress.release.not_in(dropped))
              .group_by(WatchProgress.release).order_by(last.desc())
              .limit(max(1, limit) * 3 + 5).tuples())
    release_ids = [release_id for release_id, _ in recent]
    releases = {r.id: r for r in Release.select().where(Release.id.in_(release_ids))}
    items: list[ContinueItem] = []
    for release_id in release_ids:
        item = next_up(user_id, release_id, releases.get(release_id))
        if item is not None:
            items.append(item)
            if len(items) >= limit:
                break
    return items


def hide(user_id: int, release_id, days: int | None = None, now: datetime | None = None) -> None:
    """Remove a release from the member's row (``days=None``) or snooze it for ``days``."""
    release = get_release(release_id)
    now = now or utcnow()
    until = None
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_SNOOZE_DAYS:
            raise AppError(f"days must be a whole number from 1 to {MAX_SNOOZE_DAYS}.", "days")
        until = now + timedelta(days=days)
    with write_transaction():
        ContinueHidden.delete().where((ContinueHidden.user == user_id)
                                      & (ContinueHidden.release == release.id)).execute()
        ContinueHidden.create(user=user_id, release=release, hidden_until=until, created_at=now)
    log.info("continue hidden user_id=%s release_id=%s days=%s", user_id, release.id, days)
    events.member_data_changed.send(None, user_id=user_id, kind="continue")

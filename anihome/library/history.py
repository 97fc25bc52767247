"""Watch history: one event per viewing session of an episode.

A save within ``SESSION_GAP`` of the member's latest event on the same episode extends that
event (position, end time, completed); anything else appends a new event. Members can
delete one event or clear all of theirs; progress and lists are left alone. Reads show
and count only releases within the member's age cap (``catalog.agecap``).
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import date, datetime, timedelta

from .. import dates, events
from ..catalog.agecap import apply_age_cap, member_cap
from ..db import write_transaction
from ..errors import NotFound
from ..models import Release, WatchEvent
from .validate import row_id

log = logging.getLogger(__name__)

SESSION_GAP = timedelta(minutes=30)


def record(user_id: int, release_id: int, translation_id: int | None, season: int, number: int,
           position: float, duration: float | None, completed: bool, now: datetime) -> WatchEvent:
    """Append or extend the member's history for this episode. Runs in the caller's transaction."""
    latest = (WatchEvent.select().where(WatchEvent.user == user_id)
              .order_by(WatchEvent.ended_at.desc(), WatchEvent.id.desc()).first())
    if (latest is not None and latest.release_id == release_id and latest.season == season
            and latest.number == number and now - latest.ended_at <= SESSION_GAP):
        latest.ended_at = now
        latest.position = position
        latest.duration = duration or latest.duration
        latest.completed = latest.completed or completed
        latest.translation = translation_id or latest.translation_id
        latest.save()
        return latest
    return WatchEvent.create(user=user_id, release=release_id, translation=translation_id,
                             season=season, number=number, started_at=now, ended_at=now,
                             position=position, duration=duration, completed=completed)


def recent(user_id: int, limit: int = 50, before_id: int | None = None,
           release_id: int | None = None) -> list[WatchEvent]:
    """The member's events, newest first, with their release loaded (``before_id`` pages on)."""
    query = _visible(WatchEvent.select(WatchEvent, Release), user_id, release_id)
    if before_id is not None:
        anchor = WatchEvent.get_or_none((WatchEvent.id == before_id) & (WatchEvent.user == user_id))
        if anchor is not None:
            query = query.where((WatchEvent.ended_at < anchor.ended_at)
                                | ((WatchEvent.ended_at == anchor.ended_at)
                                   & (WatchEvent.id < anchor.id)))
    return list(query.order_by(WatchEvent.ended_at.desc(), WatchEvent.id.desc()).limit(limit))


def _visible(query, user_id: int, release_id: int | None = None):
    query = apply_age_cap(query.join(Release).where(WatchEvent.user == user_id), member_cap(user_id))
    if release_id is not None:
        query = query.where(WatchEvent.release == release_id)
    return query


def page(user_id: int, page: int, per_page: int, release_id: int | None = None) -> tuple[list[WatchEvent], int]:
    """One page of the member's events, newest first, and how many there are in all."""
    total = count(user_id, release_id)
    rows = []
    if total > (page - 1) * per_page:
        query = _visible(WatchEvent.select(WatchEvent, Release), user_id, release_id)
        rows = list(query.order_by(WatchEvent.ended_at.desc(), WatchEvent.id.desc())
                    .paginate(page, per_page))
    return rows, total


def count(user_id: int, release_id: int | None = None) -> int:
    return _visible(WatchEvent.select(WatchEvent.id), user_id, release_id).count()


local_time = dates.local  # the history page's ``local`` helper


def by_day(items: list[WatchEvent], tz_name: str = "UTC") -> "OrderedDict[date, list[WatchEvent]]":
    """Group events (newest first) by the household's local day."""
    groups: OrderedDict[date, list[WatchEvent]] = OrderedDict()
    for item in items:
        groups.setdefault(local_time(item.ended_at, tz_name).date(), []).append(item)
    return groups


def delete(user_id: int, event_id) -> None:
    """Delete one of the member's own events; another member's event is NotFound."""
    eid = row_id(event_id, "event_id")
    with write_transaction():
        deleted = (WatchEvent.delete()
                   .where((WatchEvent.id == eid) & (WatchEvent.user == user_id)).execute())
    if not deleted:
        raise NotFound("No such history entry.", "event_id")
    events.member_data_changed.send(None, user_id=user_id, kind="history")


def clear(user_id: int) -> int:
    """Delete all of the member's history; returns how many events went."""
    with write_transaction():
        deleted = WatchEvent.delete().where(WatchEvent.user == user_id).execute()
    log.info("history cleared user_id=%s events=%s", user_id, deleted)
    events.member_data_changed.send(None, user_id=user_id, kind="history")
    return deleted


def seconds_watched(user_id: int, since: datetime) -> float:
    """Seconds the member spent in the player since ``since`` (sum of viewing sessions)."""
    rows = (WatchEvent.select(WatchEvent.started_at, WatchEvent.ended_at)
            .where((WatchEvent.user == user_id) & (WatchEvent.started_at >= since)).tuples())
    return sum(max(0.0, (ended - started).total_seconds()) for started, ended in rows)


def started_between(user_id: int, release_id: int, start: datetime, end: datetime) -> bool:
    """Whether the member started an episode of the release in ``[start, end]`` (a viewing
    session that began then; continuing one begun earlier does not count)."""
    return (WatchEvent.select(WatchEvent.id)
            .where((WatchEvent.user == user_id) & (WatchEvent.release == release_id)
                   & (WatchEvent.started_at >= start) & (WatchEvent.started_at <= end)).exists())

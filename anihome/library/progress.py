"""Saving and reading where a member is in each episode.

``save`` is what the player calls every ~15 s, on pause, end and page hide. An episode
counts as watched at 90 % of its duration or when the player reports the end; once watched
it stays watched. Crossing the 90 % mark again after starting over is a new completion (a
rewatch), which feeds the list transitions in ``lists.on_episode_watched``. A release
above the member's age cap can be neither saved nor read (``catalog.agecap``).
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..catalog.agecap import apply_age_cap, member_cap
from ..errors import AppError
from ..models import ContinueHidden, ListEntry, Release, ReleaseChoice, Translation, WatchProgress
from . import history, lists
from .episodes import EpisodeRef

log = logging.getLogger(__name__)

WATCHED_RATIO = 0.9
MAX_SECONDS = 24 * 3600


@dataclass
class SaveResult:
    progress: WatchProgress
    completed_now: bool
    list_entry: ListEntry | None


def _seconds(value, field: str, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AppError(f"{field} must be a number of seconds.", field)
    number = float(value)
    if not math.isfinite(number) or number < 0 or number > MAX_SECONDS:
        raise AppError(f"{field} must be between 0 and {MAX_SECONDS} seconds.", field)
    return number


def reached_end(position: float, duration: float | None) -> bool:
    return bool(duration) and position >= WATCHED_RATIO * duration


def save(user_id: int, ref: EpisodeRef, position, duration=None, watched: bool | None = None,
         now: datetime | None = None) -> SaveResult:
    """Record the member's position in ``ref``'s episode (seconds). ``watched=True`` marks it
    watched (the player's end event, or by hand); ``watched=False`` clears the mark.
    NotFound when the release is above the member's age cap."""
    lists.release_for(user_id, ref.release_id)
    position = _seconds(position, "position")
    duration = _seconds(duration, "duration", allow_none=True)
    if duration == 0:
        duration = None
    if watched is not None and not isinstance(watched, bool):
        raise AppError("watched must be true or false.", "watched")
    if duration is not None and position > duration:
        position = duration
    now = now or utcnow()
    entry = None
    with write_transaction():
        row = WatchProgress.get_or_none(
            (WatchProgress.user == user_id) & (WatchProgress.release == ref.release_id)
            & (WatchProgress.season == ref.season) & (WatchProgress.number == ref.number))
        was_watched = bool(row and row.watched)
        old_position = row.position if row else 0.0
        if row is None:
            row = WatchProgress(user=user_id, release=ref.release_id, season=ref.season,
                                number=ref.number)
        duration = duration or row.duration
        at_end = watched is True or reached_end(position, duration)
        crossed = at_end and not reached_end(old_position, duration) and old_position < position
        completed_now = (at_end and not was_watched) or (was_watched and crossed)
        row.translation = ref.translation_id
        row.position = position
        row.duration = duration
        if watched is False:
            row.watched, row.watched_at = False, None
        elif at_end:
            row.watched = True
            row.watched_at = now if completed_now or row.watched_at is None else row.watched_at
        row.updated_at = now
        row.save()
        history.record(user_id, ref.release_id, ref.translation_id, ref.season, ref.number,
                       position, duration, at_end, now)
        ContinueHidden.delete().where((ContinueHidden.user == user_id)
                                      & (ContinueHidden.release == ref.release_id)).execute()
        _remember_choice(user_id, ref.release_id, ref.translation_id, now)
        if completed_now:
            release = Release.get_by_id(ref.release_id)
            translation = Translation.get_or_none(Translation.id == ref.translation_id)
            entry = lists.on_episode_watched(user_id, release, ref.season, ref.number,
                                             translation, now)
        elif watched is False:
            entry = lists.get_entry(user_id, ref.release_id)
    if completed_now:
        log.info("episode watched user_id=%s release_id=%s season=%s episode=%s",
                 user_id, ref.release_id, ref.season, ref.number)
    events.member_data_changed.send(None, user_id=user_id, kind="progress")
    return SaveResult(row, completed_now, entry)


def _remember_choice(user_id: int, release_id: int, translation_id: int | None,
                     now: datetime) -> None:
    if translation_id is None:
        return
    updated = (ReleaseChoice.update(translation=translation_id, updated_at=now)
               .where((ReleaseChoice.user == user_id) & (ReleaseChoice.release == release_id))
               .execute())
    if not updated:
        ReleaseChoice.create(user=user_id, release=release_id, translation=translation_id,
                             updated_at=now)


def choose_translation(user_id: int, release_id: int, translation_id: int,
                       now: datetime | None = None) -> None:
    """Remember the dub a member picked for a release (the player offers it next time)."""
    with write_transaction():
        _remember_choice(user_id, release_id, translation_id, now or utcnow())
    events.member_data_changed.send(None, user_id=user_id, kind="dub")


def chosen_translation(user_id: int, release_id: int) -> int | None:
    row = ReleaseChoice.get_or_none((ReleaseChoice.user == user_id)
                                    & (ReleaseChoice.release == release_id))
    return row.translation_id if row else None


def for_release(user_id: int, release_id: int) -> list[WatchProgress]:
    """The member's progress on every episode of a release, in episode order (none when the
    release is above the member's age cap)."""
    query = (WatchProgress.select(WatchProgress).join(Release)
             .where((WatchProgress.user == user_id) & (WatchProgress.release == release_id))
             .order_by(WatchProgress.season, WatchProgress.number))
    return list(apply_age_cap(query, member_cap(user_id)))


def get(user_id: int, release_id: int, season: int, number: int) -> WatchProgress | None:
    return WatchProgress.get_or_none(
        (WatchProgress.user == user_id) & (WatchProgress.release == release_id)
        & (WatchProgress.season == season) & (WatchProgress.number == number))


def latest_for_release(user_id: int, release_id: int) -> WatchProgress | None:
    return (WatchProgress.select()
            .where((WatchProgress.user == user_id) & (WatchProgress.release == release_id))
            .order_by(WatchProgress.updated_at.desc(), WatchProgress.id.desc()).first())


def resume_position(row: WatchProgress | None) -> int:
    """Where to start an episode: the saved position, unless it is near either end."""
    if row is None or row.watched or row.position < 10:
        return 0
    if row.duration and row.duration - row.position < 30:
        return 0
    return int(row.position)


def watched_episodes(user_id: int, release_id: int) -> list[tuple[int, int]]:
    """(season, number) of every episode of a release the member has watched (the watched
    flag, or a position at 90 % of the duration), in order. One query; other areas (the
    social spoiler gate, reviews) read progress through this instead of the table."""
    rows = (WatchProgress.select(WatchProgress.season, WatchProgress.number, WatchProgress.watched,
                                 WatchProgress.position, WatchProgress.duration)
            .where((WatchProgress.user == user_id) & (WatchProgress.release == release_id))
            .order_by(WatchProgress.season, WatchProgress.number).tuples())
    return [(season, number) for season, number, watched, position, duration in rows
            if watched or reached_end(position or 0, duration)]

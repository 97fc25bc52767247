"""Marking episodes watched by hand: "I have seen everything up to episode N".

A member who watched the first episodes elsewhere marks them in one go from the release
page. Every episode of the chosen dub up to and including (season, number) becomes watched
(saved positions of later episodes are kept); the list entry then moves as if the member had
watched the last of them (``lists.on_episode_watched``). Nothing is written to the history:
the member did not watch anything here.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, NotFound
from ..models import ListEntry, WatchProgress
from . import episodes, lists
from .validate import whole

log = logging.getLogger(__name__)


@dataclass
class MarkResult:
    marked: int  # episodes newly counted as watched
    through: tuple[int, int]
    list_entry: ListEntry | None


def watched_through(user_id: int, release_id, translation_id, season, number,
                    age_cap: int | None = None, now: datetime | None = None) -> MarkResult:
    """Mark every episode of ``translation_id`` up to (``season``, ``number``) as watched."""
    release = lists.get_release(release_id, age_cap=age_cap)
    translation = episodes.get_translation(translation_id)
    if translation.release_id != release.id or not translation.available:
        raise NotFound("This release has no such translation.", "translation_id")
    season = whole(season, "season", 0)
    number = whole(number, "episode", 1)
    wanted = [(s, n) for s, n, _ in episodes.episode_list(translation) if (s, n) <= (season, number)]
    if not wanted or wanted[-1] != (season, number):
        raise AppError("This translation has no such episode.", "episode")
    now = now or utcnow()
    with write_transaction():
        rows = {(p.season, p.number): p for p in WatchProgress.select().where(
            (WatchProgress.user == user_id) & (WatchProgress.release == release.id))}
        marked = 0
        for s, n in wanted:
            row = rows.get((s, n))
            if row is not None and row.watched:
                continue
            if row is None:
                row = WatchProgress(user=user_id, release=release.id, season=s, number=n,
                                    translation=translation.id)
            row.watched, row.watched_at, row.updated_at = True, now, now
            row.position = row.duration or row.position or 0
            row.save()
            marked += 1
        entry = (lists.on_episode_watched(user_id, release, season, number, translation, now)
                 if marked else lists.get_entry(user_id, release.id))
    log.info("episodes marked watched user_id=%s release_id=%s through=%s-%s marked=%s",
             user_id, release.id, season, number, marked)
    events.member_data_changed.send(None, user_id=user_id, kind="progress")
    return MarkResult(marked, (season, number), entry)

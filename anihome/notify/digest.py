"""The weekly digest: on the day and hour a member chose (household time zone), one in-app
notification (pushed to their channels like any other) with what the week brought:

* new episodes of releases they follow, per release and dub (from their episode notifications);
* followed releases that finished airing ("rate it?");
* what the rest of the household started watching (releases within the member's age cap).

A week with nothing to say sends nothing.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Mapping

from ..clock import utcnow
from ..db import write_transaction
from ..models import ListEntry, Release, Translation, User
from ..models.notify import Notification, NotifyPrefs
from . import inbox, outbox
from .prefs import local
from .render import episode_numbers

log = logging.getLogger(__name__)

JOB_ID = "notify-digest"
WEEK = timedelta(days=7)
MAX_LINES = 12


def due_members(now: datetime, tz: str) -> list[NotifyPrefs]:
    """Members whose chosen digest day and hour is now and who got none in the last six days."""
    here = local(now, tz)
    rows = NotifyPrefs.select().where((NotifyPrefs.digest_day == here.weekday())
                                      & (NotifyPrefs.digest_hour == here.hour))
    return [p for p in rows if p.digest_sent_at is None or now - p.digest_sent_at > timedelta(days=6)]


def lines_for(user: User, now: datetime) -> list[dict]:
    """The digest's lines for one member (empty when the week brought nothing)."""
    since = now - WEEK
    lines: list[dict] = []
    notes = list(Notification.select().where((Notification.user == user.id) & (Notification.created_at >= since)
                                             & Notification.kind.in_(["episodes", "airing_finished"]))
                 .order_by(Notification.created_at))
    titles = dict(Release.select(Release.id, Release.title).where(
        Release.id.in_([n.release_id for n in notes if n.release_id] or [0])).tuples())
    dubs = dict(Translation.select(Translation.id, Translation.team).where(
        Translation.id.in_([n.translation_id for n in notes if n.translation_id] or [0])).tuples())
    episodes: dict[tuple[int, int], set[int]] = {}
    for n in notes:
        if n.kind == "episodes" and n.release_id in titles:
            episodes.setdefault((n.release_id, n.translation_id), set()).update(episode_numbers(n))
    for (rid, tid), numbers in episodes.items():
        lines.append({"kind": "episodes", "title": titles[rid], "dub": dubs.get(tid, ""),
                      "episodes": sorted(numbers)})
    for n in notes:
        if n.kind == "airing_finished" and n.release_id in titles:
            lines.append({"kind": "finished", "title": titles[n.release_id]})
    started = (ListEntry.select(ListEntry, User.username, Release.title).join(User, on=(ListEntry.user == User.id))
               .switch(ListEntry).join(Release, on=(ListEntry.release == Release.id))
               .where((ListEntry.user != user.id) & (ListEntry.started_on >= since.date())
                      & ListEntry.status.in_(["watching", "rewatching", "completed"]))
               .order_by(ListEntry.started_on))
    if user.age_cap is not None:
        started = started.where(Release.age_limit.is_null(False) & (Release.age_limit <= user.age_cap))
    for entry in started.limit(MAX_LINES):
        lines.append({"kind": "started", "who": entry.user.username, "title": entry.release.title})
    return lines[:MAX_LINES * 2]


def send_digests(settings: Mapping[str, Any], now: datetime | None = None) -> dict[str, int]:
    """Write the digest of every member due now; returns counts (sent, empty)."""
    now = now or utcnow()
    tz = settings.get("TIMEZONE") or "UTC"
    counts = {"sent": 0, "empty": 0}
    for prefs in due_members(now, tz):
        user = User.get_or_none(User.id == prefs.user_id)
        if user is None or not user.is_active:
            continue
        lines = lines_for(user, now)
        with write_transaction():
            if lines:
                outbox.write([outbox.New(user.id, "digest", f"digest:{user.id}:{local(now, tz).date()}",
                                         data={"lines": lines})], now)
            NotifyPrefs.update(digest_sent_at=now).where(NotifyPrefs.user == user.id).execute()
        counts["sent" if lines else "empty"] += 1
        if lines:
            inbox.announce([user.id])
        log.info("notify digest user_id=%s lines=%d", user.id, len(lines))
    return counts


def digest_job(ctx) -> dict[str, int]:
    """Job: write the weekly digest of members whose chosen day and hour is now."""
    return send_digests(ctx.settings)

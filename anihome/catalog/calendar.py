"""The airing calendar: next episodes due this week and next, in the household's time zone.

Kodik gives one ``next_episode_at`` (UTC) per ongoing release, so the calendar lists each
release once, on the local day its next episode airs. Times are stored as naive UTC;
the view passes the TIMEZONE setting. The iCal text for the personal feed is in ``ical.py``.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from ..models import ListEntry, Release
from .cards import release_card
from .queries import visible_releases

WEEKS = 2
MAX_ITEMS = 500
#: list statuses that put a release on "my lists" in the calendar
FOLLOWED_STATUSES = ("watching", "planned", "on_hold", "rewatching")


def followed_release_ids(user_id: int):
    """A subquery: releases on the member's lists that they still follow (not completed/dropped)."""
    return ListEntry.select(ListEntry.release).where(
        (ListEntry.user == user_id) & ListEntry.status.in_(FOLLOWED_STATUSES))


def window(now_utc: datetime, tz_name: str, weeks: int = WEEKS) -> tuple[date, datetime, datetime]:
    """(first local day, start UTC, end UTC): Monday 00:00 local of this week, ``weeks`` on."""
    tz = ZoneInfo(tz_name)
    local_now = now_utc.replace(tzinfo=timezone.utc).astimezone(tz)
    monday = local_now.date() - timedelta(days=local_now.weekday())
    start = datetime.combine(monday, time(0), tz)
    end = datetime.combine(monday + timedelta(days=7 * weeks), time(0), tz)
    to_utc = lambda moment: moment.astimezone(timezone.utc).replace(tzinfo=None)  # noqa: E731
    return monday, to_utc(start), to_utc(end)


def next_episode_number(card: dict) -> int | None:
    """The number of the episode due next, when the release says how many aired."""
    aired = card.get("episodes_aired")
    if aired is None:
        return None
    total = card.get("episodes_total")
    number = aired + 1
    return None if total and number > total else number


def upcoming(cap: int | None, now_utc: datetime, tz_name: str, weeks: int = WEEKS,
             release_ids=None) -> list[dict]:
    """Releases with a next episode in the window, as items with UTC time: one query.

    ``release_ids`` (a list or a subquery such as ``followed_release_ids``) narrows it."""
    _, start, end = window(now_utc, tz_name, weeks)
    query = (visible_releases(cap, narrow=True)
             .where(Release.next_episode_at.between(start, end - timedelta(microseconds=1)))
             .order_by(Release.next_episode_at, Release.id).limit(MAX_ITEMS))
    if release_ids is not None:
        query = query.where(Release.id.in_(release_ids))
    items = []
    for row in query.dicts():
        card = release_card(row)
        items.append({"release": card, "at": row["next_episode_at"],
                      "episode": next_episode_number(card)})
    return items


def calendar_days(cap: int | None, now_utc: datetime, tz_name: str, weeks: int = WEEKS,
                  release_ids=None) -> dict:
    """Every local day of the window (empty ones included), each with its items in local time."""
    tz = ZoneInfo(tz_name)
    monday, _, _ = window(now_utc, tz_name, weeks)
    today = now_utc.replace(tzinfo=timezone.utc).astimezone(tz).date()
    days = {monday + timedelta(days=n): [] for n in range(7 * weeks)}
    for item in upcoming(cap, now_utc, tz_name, weeks, release_ids):
        local = item["at"].replace(tzinfo=timezone.utc).astimezone(tz)
        days.setdefault(local.date(), []).append(dict(item, local_time=local.strftime("%H:%M")))
    return {"timezone": tz_name, "today": today,
            "weeks": [[{"date": day, "items": days[day], "is_today": day == today,
                        "is_past": day < today}
                       for day in sorted(days)[week * 7:(week + 1) * 7]]
                      for week in range(weeks)]}

"""A job's schedule in plain words, in the household's local time: "Sundays at 05:00",
"Daily at 03:30", "Every 30 min" — never a raw cron line or a setting name.

``words(spec)`` returns an English source string and its values; the page translates it
(Russian in i18n/ru/ui.json). Cron lines are read in TIMEZONE, so the times shown are the
household's local times. Shapes not covered read "On a custom schedule"; the page shows the
next run beside it.
"""
from __future__ import annotations

from .registry import JobSpec

DAYS = ("Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays")
NAMED = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 0}


def _day(token: str) -> int | None:
    token = token.strip().lower()
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token) % 7
    return NAMED.get(token[:3]) if token[:3] in NAMED and len(token) == 3 else None


def _days(field: str) -> list[int] | None:
    """Days of the week named by a cron weekday field ("0", "1-5", "sat,sun"), or None."""
    found: list[int] = []
    for part in field.split(","):
        first, dash, last = part.partition("-")
        start, end = _day(first), _day(last) if dash else _day(first)
        if start is None or end is None:
            return None
        if dash and last.strip() == "7":
            end = 7
        found.extend(d % 7 for d in range(start, (end if end >= start else end + 7) + 1))
    return sorted(set(found))


def words(spec: JobSpec) -> tuple[str, dict]:
    """(English text with %(name)s placeholders, values) describing ``spec``'s schedule."""
    if not spec.scheduled:
        return "On demand only", {}
    if spec.interval_minutes is not None:
        minutes = spec.interval_minutes
        if minutes % 60 == 0:
            return ("Every hour", {}) if minutes == 60 else ("Every %(hours)s hours", {"hours": minutes // 60})
        return "Every %(minutes)s min", {"minutes": minutes}
    fields = (spec.cron or "").split()
    if len(fields) != 5:
        return "On a custom schedule", {}
    minute, hour, dom, month, dow = fields
    if minute.isdigit() and hour == "*" and (dom, month, dow) == ("*", "*", "*"):
        return "Every hour at %(minute)s minutes past", {"minute": f"{int(minute):02d}"}
    if not (minute.isdigit() and hour.isdigit()) or month != "*":
        return "On a custom schedule", {}
    at = f"{int(hour):02d}:{int(minute):02d}"
    if dom == "*" and dow == "*":
        return "Daily at %(time)s", {"time": at}
    if dom == "*":
        days = _days(dow)
        if days == [1, 2, 3, 4, 5]:
            return "Weekdays at %(time)s", {"time": at}
        if days == [0, 6]:
            return "Weekends at %(time)s", {"time": at}
        if days and len(days) == 1:
            return "%(days)s at %(time)s", {"days": DAYS[days[0]], "time": at, "translate": ["days"]}
        if days:
            return "%(days)s at %(time)s", {"days": [DAYS[d] for d in days], "time": at, "translate": ["days"]}
    if dow == "*" and dom.isdigit():
        return "On day %(day)s of every month at %(time)s", {"day": int(dom), "time": at}
    return "On a custom schedule", {}

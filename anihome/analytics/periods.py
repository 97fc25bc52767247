"""Days, weeks and months in the household's time zone, and the checks on date ranges.

Analytics counts calendar days in TIMEZONE: an event belongs to the local day (and hour)
in which it started. ``parse_range`` is the one check of ``from``/``to`` for the pages,
the API and the reports: dates written YYYY-MM-DD, ``from`` not after ``to``, at most
MAX_RANGE_DAYS long; each failure names its field.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import AppError

MAX_RANGE_DAYS = 5 * 366
GROUPS = ("day", "week", "month")
PERIODS = {"7d": 7, "30d": 30, "365d": 365, "all": None}


def zone(name: str):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def local_day(moment: datetime, tz) -> date:
    """The household's calendar day of a naive-UTC ``moment``."""
    return moment.replace(tzinfo=timezone.utc).astimezone(tz).date()


def day_start_utc(day: date, tz) -> datetime:
    """Naive UTC of the local midnight that starts ``day``."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)


def today(tz, now: datetime | None = None) -> date:
    from ..clock import utcnow

    return local_day(now or utcnow(), tz)


def week_start(day: date) -> date:
    """Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def bucket(day: date, group: str) -> date:
    """The first day of the day/week/month holding ``day``."""
    if group == "week":
        return week_start(day)
    if group == "month":
        return month_start(day)
    return day


def next_bucket(start: date, group: str) -> date:
    if group == "week":
        return start + timedelta(days=7)
    if group == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def buckets(first: date, last: date, group: str) -> list[date]:
    """Every bucket start from the one holding ``first`` to the one holding ``last``."""
    out, cursor = [], bucket(first, group)
    while cursor <= last:
        out.append(cursor)
        cursor = next_bucket(cursor, group)
    return out


def invalid(template: str, field: str, **values) -> AppError:
    """An AppError whose English ``template`` and ``values`` the pages translate."""
    error = AppError(template % values, field)
    error.template, error.values = template, values
    return error


def _date(args: Mapping[str, str], name: str) -> date | None:
    raw = args.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise invalid("%(name)s must be a date written YYYY-MM-DD.", name, name=name) from None


def parse_range(args: Mapping[str, str], default_days: int, current: date) -> tuple[date, date]:
    """``from``/``to`` from query arguments (default: the last ``default_days`` days to today)."""
    end = _date(args, "to") or current
    start = _date(args, "from") or end - timedelta(days=default_days - 1)
    if start > end:
        raise AppError("from must not be after to.", "from")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise AppError("The range from..to may span at most 5 years.", "to")
    return start, end


def parse_choice(args: Mapping[str, str], name: str, choices, default: str) -> str:
    value = args.get(name)
    if value is None or value == "":
        return default
    if value not in choices:
        raise invalid("%(name)s must be one of: %(choices)s.", name, name=name, choices=", ".join(choices))
    return value


def parse_limit(args: Mapping[str, str], default: int = 10, maximum: int = 100) -> int:
    raw = args.get("limit")
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise AppError("limit must be a whole number.", "limit") from None
    if not 1 <= value <= maximum:
        raise invalid("limit must be between 1 and %(maximum)s.", "limit", maximum=maximum)
    return value


def period_start(period: str, current: date) -> date | None:
    """First day of a ``7d``/``30d``/``365d`` period ending today (None for ``all``)."""
    days = PERIODS[period]
    return None if days is None else current - timedelta(days=days - 1)

"""Times for people and programs: one formatter for every layer.

Stored times are naive UTC. ``iso_utc`` writes them for JSON (API answers, exports, the
admin status) as ISO 8601 to the second with ``Z``; ``local`` turns them into the
household's time zone; ``display`` writes them for pages and the command line.
"""
from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def iso_utc(value: datetime | date | str | None) -> str | None:
    """``2026-11-20T12:00:00Z`` for a time (naive = UTC; microseconds dropped), ``2026-11-20``
    for a date, None for None; text straight from SQLite (``2026-11-20 12:00:00.123``) too."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace(" ", "T")[:19] + "Z"
    return str(value)


@lru_cache(maxsize=32)
def zone(name: str | None) -> tzinfo:
    """The IANA time zone ``name``; UTC when it is empty or unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def local(value: datetime | None, tz_name: str | None) -> datetime | None:
    """A stored naive-UTC time (or an aware one) in the time zone ``tz_name``."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(zone(tz_name))


def display(value: datetime | date | None, fmt: str = "%Y-%m-%d %H:%M", empty: str = "—") -> str:
    """``value`` as text for a page or a terminal; ``empty`` when there is none."""
    return value.strftime(fmt) if value else empty

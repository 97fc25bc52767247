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


# --- Dates for people, in their language ---------------------------------------------------

_MONTHS = {
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def parse(value: datetime | date | str | None) -> datetime | date | None:
    """A time or date from an ISO string (``2026-12-02T14:30:00Z`` is naive UTC, ``2026-01-07``
    a date); datetimes and dates pass through; None (or unreadable text) gives None."""
    if value is None or isinstance(value, (datetime, date)):
        return value
    text = str(value).strip()
    try:
        if len(text) <= 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def human(value: datetime | date | str | None, lang: str = "en", today: date | None = None,
          with_time: bool | None = None, empty: str = "—") -> str:
    """A date as a person reads it: ``30 ноября 2026, 17:01`` / ``Nov 30, 2026, 17:01`` (day and
    month joined by a no-break space).

    The year is left out when it is ``today``'s year; the time is shown for datetimes (not
    for dates, nor when ``with_time`` is False). ISO text is read with ``parse``."""
    moment = parse(value)
    if moment is None:
        return empty if value in (None, "") else str(value)
    months = _MONTHS.get(lang, _MONTHS["en"])
    day = moment.date() if isinstance(moment, datetime) else moment
    month = months[day.month - 1]
    same_year = today is not None and day.year == today.year
    if lang == "ru":  # a no-break space keeps "1 декабря" on one line in narrow columns
        text = f"{day.day}\u00a0{month}" if same_year else f"{day.day}\u00a0{month} {day.year}"
    else:
        text = f"{month}\u00a0{day.day}" if same_year else f"{month}\u00a0{day.day}, {day.year}"
    if with_time is None:
        with_time = isinstance(moment, datetime)
    if with_time and isinstance(moment, datetime):
        text += moment.strftime(", %H:%M")
    return text

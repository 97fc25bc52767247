"""Time in one convention: naive datetimes in UTC, as stored in the database."""
from __future__ import annotations

from datetime import date, datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def iso(value: datetime | date | None) -> str | None:
    """A stored naive-UTC datetime as ISO 8601 with ``Z`` (dates as YYYY-MM-DD); None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat()

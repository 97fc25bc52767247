"""Time in one convention: naive datetimes in UTC, as stored in the database.

``iso`` (stored time -> ``2026-11-20T12:00:05Z``) is ``anihome.dates.iso_utc``, re-exported
here for the serializers that import it from the clock; the formatters live in ``dates``.
"""
from __future__ import annotations

from datetime import datetime, timezone

from .dates import iso_utc as iso

__all__ = ["iso", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)

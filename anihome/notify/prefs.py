"""A member's notification settings: follow on "watching", quiet hours, the weekly digest.

Quiet hours and the digest time are read in the household's time zone (TIMEZONE).
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, time, timedelta, timezone
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError
from ..models.notify import NotifyPrefs

log = logging.getLogger(__name__)

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def get(user_id: int) -> NotifyPrefs:
    """The member's settings (defaults, unsaved, when they never changed them)."""
    return NotifyPrefs.get_or_none(NotifyPrefs.user == user_id) or NotifyPrefs(user=user_id, updated_at=utcnow())


def _hhmm(value, field: str) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not _HHMM.match(text):
        raise AppError("Use a time like 22:00.", field)
    return text


def _small_int(value, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise AppError("%(field)s must be a whole number.", field, values={"field": field}) from None
    if not low <= number <= high:
        raise AppError("%(field)s must be between %(low)s and %(high)s.", field,
                       values={"field": field, "low": low, "high": high})
    return number


def update(user_id: int, changes: Mapping[str, Any]) -> NotifyPrefs:
    """Validate and store the given settings; anything not given stays as it was."""
    clean: dict[str, Any] = {}
    if "follow_watching" in changes:
        clean["follow_watching"] = bool(changes["follow_watching"])
    if "quiet_start" in changes or "quiet_end" in changes:
        start = _hhmm(changes.get("quiet_start"), "quiet_start")
        end = _hhmm(changes.get("quiet_end"), "quiet_end")
        if (start is None) != (end is None):
            raise AppError("Give quiet hours both a start and an end (or neither).",
                           "quiet_end" if start else "quiet_start")
        if start is not None and start == end:
            raise AppError("Quiet hours cannot start and end at the same time.", "quiet_end")
        clean["quiet_start"], clean["quiet_end"] = start, end
    if "digest_day" in changes:
        raw = changes["digest_day"]
        clean["digest_day"] = None if raw in (None, "", "off") else _small_int(raw, "digest_day", 0, 6)
    if "digest_hour" in changes:
        clean["digest_hour"] = _small_int(changes["digest_hour"], "digest_hour", 0, 23)
    with write_transaction():
        prefs = get(user_id)
        for key, value in clean.items():
            setattr(prefs, key, value)
        prefs.updated_at = utcnow()
        if NotifyPrefs.get_or_none(NotifyPrefs.user == user_id) is None:
            prefs.save(force_insert=True)
        else:
            prefs.save()
    log.info("notify prefs changed user_id=%s fields=%s", user_id, ",".join(sorted(clean)))
    return prefs


def local(now_utc: datetime, tz_name: str) -> datetime:
    return now_utc.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(tz_name))


def quiet_until(prefs, now_utc: datetime, tz_name: str) -> datetime | None:
    """When the member's quiet hours end (naive UTC) if ``now_utc`` falls inside them, else None."""
    if not prefs or not prefs.quiet_start or not prefs.quiet_end:
        return None
    here = local(now_utc, tz_name)
    start = time.fromisoformat(prefs.quiet_start)
    end = time.fromisoformat(prefs.quiet_end)
    clock = here.time().replace(second=0, microsecond=0)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    ends = here.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= here:
        ends += timedelta(days=1)
    return ends.astimezone(timezone.utc).replace(tzinfo=None)

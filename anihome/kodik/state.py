"""Sync state kept in ``app_setting`` rows: the full-sync cursor, the watermark, the token.

* ``kodik.sync.full`` — JSON of an unfinished full sync: when it started, Kodik's opaque
  ``next`` cursor of the page to fetch next (never the token, never the whole URL), the
  newest updated_at seen on its first page, and its page/item counters. Deleted when the
  full sync completes; its presence means "resume".
* ``kodik.sync.watermark`` — the newest Kodik ``updated_at`` fully stored
  (``YYYY-MM-DD HH:MM:SS``); incremental syncs walk down to it.
* ``kodik.sync.last_full`` / ``kodik.sync.last_incremental`` — when each last completed.
* ``kodik.token`` — the token entered on the admin page (see ``kodik/settings.py``).

Writers that run inside a chunk's transaction call ``put``/``delete`` directly; the
helpers that stand alone open their own short write transaction.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ..clock import utcnow
from ..models import AppSetting

FULL_KEY = "kodik.sync.full"
WATERMARK_KEY = "kodik.sync.watermark"
LAST_FULL_KEY = "kodik.sync.last_full"
LAST_INCREMENTAL_KEY = "kodik.sync.last_incremental"
TOKEN_KEY = "kodik.token"


def get(key: str) -> str | None:
    row = AppSetting.get_or_none(AppSetting.key == key)
    return row.value if row else None


def put(key: str, value: str) -> None:
    """Insert or replace one value (inside the caller's transaction)."""
    now = utcnow()
    (AppSetting.insert(key=key, value=value, updated_at=now)
     .on_conflict(conflict_target=[AppSetting.key], update={AppSetting.value: value, AppSetting.updated_at: now})
     .execute())


def delete(key: str) -> None:
    AppSetting.delete().where(AppSetting.key == key).execute()


@dataclass
class FullSyncState:
    """An unfinished full sync, enough to resume it after a crash or restart."""

    started_at: str
    next: str | None = None
    top: str | None = None
    pages: int = 0
    items: int = 0
    total: int | None = None
    resumed: int = 0
    walked: bool = False  # the walk reached the last page; only the finishing steps remain

    def dump(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def load(cls, text: str | None) -> "FullSyncState | None":
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        except (ValueError, TypeError, KeyError):
            return None


def load_full() -> FullSyncState | None:
    return FullSyncState.load(get(FULL_KEY))


def save_full(state: FullSyncState) -> None:
    put(FULL_KEY, state.dump())


def watermark() -> str | None:
    return get(WATERMARK_KEY)


def advance_watermark(value: str | None) -> None:
    """Move the watermark up to ``value`` (never down)."""
    current = watermark()
    if value and (current is None or value > current):
        put(WATERMARK_KEY, value)


def summary() -> dict:
    """What the admin page shows: watermark, last runs, and an unfinished full sync."""
    full = load_full()
    return {
        "watermark": watermark(),
        "last_full": get(LAST_FULL_KEY),
        "last_incremental": get(LAST_INCREMENTAL_KEY),
        "unfinished_full": asdict(full) if full else None,
    }



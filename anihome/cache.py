"""An in-process, thread-safe cache with TTLs, a size bound (LRU) and tag invalidation.

One ``Cache`` lives on each app (``app.extensions["anihome.cache"]``); signals from
``anihome.events`` drop tagged entries (e.g. the ``catalog`` tag after a sync), so a page
is never stale after the data under it changed.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from . import events

_MISSING = object()


@dataclass
class _Entry:
    value: Any
    expires: float
    tags: frozenset[str] = field(default_factory=frozenset)


class Cache:
    def __init__(self, max_entries: int = 2000, default_ttl: float = 300,
                 clock: Callable[[], float] = time.monotonic):
        self.max_entries = max_entries
        self.default_ttl = default_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._data: OrderedDict[str, _Entry] = OrderedDict()
        self._by_tag: dict[str, set[str]] = {}
        self.hits = self.misses = self.evictions = self.invalidations = 0

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            entry = self._data.get(key)
            if entry is None or entry.expires <= self._clock():
                if entry is not None:
                    self._remove(key)
                self.misses += 1
                return default
            self._data.move_to_end(key)
            self.hits += 1
            return entry.value

    def set(self, key: str, value: Any, ttl: float | None = None, tags: Iterable[str] = ()) -> None:
        ttl = self.default_ttl if ttl is None else ttl
        entry = _Entry(value, self._clock() + ttl, frozenset(tags))
        with self._lock:
            if key in self._data:
                self._remove(key)
            self._data[key] = entry
            for tag in entry.tags:
                self._by_tag.setdefault(tag, set()).add(key)
            while len(self._data) > self.max_entries:
                oldest = next(iter(self._data))
                self._remove(oldest)
                self.evictions += 1

    def get_or_set(self, key: str, compute: Callable[[], Any], ttl: float | None = None,
                   tags: Iterable[str] = ()) -> Any:
        """The cached value, or ``compute()`` stored under ``key``. Falls back to compute on a miss."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            self.set(key, value, ttl, tags)
        return value

    def delete(self, key: str) -> None:
        with self._lock:
            self._remove(key)

    def invalidate_tag(self, tag: str) -> int:
        with self._lock:
            keys = self._by_tag.pop(tag, set())
            for key in keys:
                self._remove(key)
            self.invalidations += len(keys)
            return len(keys)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._by_tag.clear()

    def stats(self) -> dict[str, int | float]:
        with self._lock:
            total = self.hits + self.misses
            return {
                "entries": len(self._data), "max_entries": self.max_entries,
                "hits": self.hits, "misses": self.misses,
                "hit_ratio": round(self.hits / total, 3) if total else 0.0,
                "evictions": self.evictions, "invalidations": self.invalidations,
            }

    def _remove(self, key: str) -> None:
        entry = self._data.pop(key, None)
        if entry is None:
            return
        for tag in entry.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]

    def connect_signals(self) -> None:
        """Drop tagged entries when the data under them changes (weakly referenced receivers)."""
        events.catalog_changed.connect(self._on_catalog_changed)
        events.member_data_changed.connect(self._on_member_changed)
        events.user_changed.connect(self._on_member_changed)
        events.job_finished.connect(self._on_job_finished)

    def _on_catalog_changed(self, sender, **kwargs) -> None:
        self.invalidate_tag("catalog")

    def _on_job_finished(self, sender, job_id=None, **kwargs) -> None:
        if job_id is not None:
            self.invalidate_tag(f"job:{job_id}")

    def _on_member_changed(self, sender, user_id=None, **kwargs) -> None:
        if user_id is not None:
            self.invalidate_tag(f"user:{user_id}")


def get_cache(app) -> Cache:
    return app.extensions["anihome.cache"]

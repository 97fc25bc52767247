"""An in-process, thread-safe cache with TTLs, tags and a budget in bytes (LRU by size).

One ``Cache`` lives on each app (``app.extensions["anihome.cache"]``); signals from
``anihome.events`` drop tagged entries (e.g. the ``catalog`` tag after a sync), so a page
is never stale after the data under it changed.

The budget (``CACHE_MB``) bounds the bytes the cached values hold, whatever their number:
each value is measured once, when it is stored (``size_of``), and the least recently used
entries are evicted until the total fits again. How a value is measured:

- ``str``, ``bytes`` (and ``Markup``, a ``str``): ``sys.getsizeof``, the object's real size
  (the header plus 1, 2 or 4 bytes per character for ``str``), an O(1) call. Rendered HTML
  and encoded JSON, most of what is cached, are measured exactly.
- anything else (dicts, lists, model rows): a walk over the containers and objects it
  holds, adding ``sys.getsizeof`` of each distinct object (``None``, booleans and classes
  are shared, so not counted), stopping after ``WALK_LIMIT`` objects. An estimate: it
  misses what C extensions hold outside Python objects, and counts objects a value shares
  with others as its own.
- every entry adds its key and a fixed ``ENTRY_OVERHEAD`` (the entry record, the ordered
  dict's node, the tag index).
"""
from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from types import FunctionType, ModuleType
from typing import Any, Callable, Iterable

from . import events

_MISSING = object()
ENTRY_OVERHEAD = 240  # bytes: _Entry + OrderedDict node + dict slot + tag set slots
WALK_LIMIT = 50_000  # objects visited when measuring one value
_NOT_COUNTED = (type, ModuleType, FunctionType, bool, type(None))


def size_of(value: Any) -> int:
    """An honest estimate of the bytes ``value`` holds (see the module docstring)."""
    if isinstance(value, (str, bytes, bytearray)):
        return sys.getsizeof(value)
    total, seen, stack, visited = 0, set(), [value], 0
    while stack and visited < WALK_LIMIT:
        item = stack.pop()
        if isinstance(item, _NOT_COUNTED) or id(item) in seen:
            continue
        seen.add(id(item))
        visited += 1
        total += sys.getsizeof(item)
        if isinstance(item, (str, bytes, bytearray, int, float)):
            continue
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        else:
            attrs = getattr(item, "__dict__", None)
            if isinstance(attrs, dict):
                stack.append(attrs)
            for slot in getattr(type(item), "__slots__", ()):
                stack.append(getattr(item, slot, None))
    return total


@dataclass
class _Entry:
    value: Any
    expires: float
    size: int
    tags: frozenset[str] = field(default_factory=frozenset)


class Cache:
    """LRU within ``max_bytes``; ``max_entries`` (0: none) is an optional extra cap on the count.

    A value larger than half the budget is not stored (it would flush most of the cache for
    one answer); ``get_or_set`` still returns it.
    """

    def __init__(self, max_bytes: int = 16 * 1024 * 1024, default_ttl: float = 300,
                 clock: Callable[[], float] = time.monotonic, max_entries: int = 0):
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.default_ttl = default_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._data: OrderedDict[str, _Entry] = OrderedDict()
        self._by_tag: dict[str, set[str]] = {}
        self._dropped: dict[str, int] = {}  # tag -> how many times it was invalidated
        self._cleared = 0
        self.bytes = 0
        self.hits = self.misses = self.evictions = self.invalidations = self.too_large = 0

    def get(self, key: str, default: Any = None, count_miss: bool = True) -> Any:
        """The value, or ``default``; ``count_miss=False`` for a look that another will repeat
        on a miss (the page fast path), so the statistics count each miss once."""
        with self._lock:
            entry = self._data.get(key)
            if entry is None or entry.expires <= self._clock():
                if entry is not None:
                    self._remove(key)
                if count_miss:
                    self.misses += 1
                return default
            self._data.move_to_end(key)
            self.hits += 1
            return entry.value

    def snapshot(self, tags: Iterable[str]) -> tuple:
        """A marker of the tags' invalidations so far, for ``set(..., unless_dropped_since=)``."""
        with self._lock:
            return self._cleared, tuple(self._dropped.get(tag, 0) for tag in tags)

    def set(self, key: str, value: Any, ttl: float | None = None, tags: Iterable[str] = (),
            unless_dropped_since: tuple | None = None) -> None:
        """Store ``value``. With ``unless_dropped_since`` (a ``snapshot`` of the same tags taken
        before the value was computed), nothing is stored when one of the tags was invalidated
        meanwhile: the value may predate the change that dropped it."""
        ttl = self.default_ttl if ttl is None else ttl
        tags = tuple(tags)
        size = size_of(value) + sys.getsizeof(key) + ENTRY_OVERHEAD  # measured outside the lock
        entry = _Entry(value, self._clock() + ttl, size, frozenset(tags))
        with self._lock:
            if unless_dropped_since is not None and unless_dropped_since != (
                    self._cleared, tuple(self._dropped.get(tag, 0) for tag in tags)):
                return
            if key in self._data:
                self._remove(key)
            if size > self.max_bytes // 2:
                self.too_large += 1
                return
            self._data[key] = entry
            self.bytes += size
            for tag in entry.tags:
                self._by_tag.setdefault(tag, set()).add(key)
            while self.bytes > self.max_bytes or (self.max_entries and len(self._data) > self.max_entries):
                self._remove(next(iter(self._data)))
                self.evictions += 1

    def get_or_set(self, key: str, compute: Callable[[], Any], ttl: float | None = None,
                   tags: Iterable[str] = (), guarded: bool = False) -> Any:
        """The cached value, or ``compute()`` stored under ``key``. Falls back to compute on a miss.
        ``guarded``: not stored when one of ``tags`` is dropped while ``compute`` runs."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            tags = tuple(tags)
            since = self.snapshot(tags) if guarded else None
            value = compute()
            self.set(key, value, ttl, tags, unless_dropped_since=since)
        return value

    def delete(self, key: str) -> None:
        with self._lock:
            self._remove(key)

    def invalidate_tag(self, tag: str) -> int:
        with self._lock:
            self._dropped[tag] = self._dropped.get(tag, 0) + 1
            keys = self._by_tag.pop(tag, set())
            for key in keys:
                self._remove(key)
            self.invalidations += len(keys)
            return len(keys)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._by_tag.clear()
            self._cleared += 1
            self.bytes = 0

    def stats(self) -> dict[str, int | float]:
        with self._lock:
            total = self.hits + self.misses
            return {
                "entries": len(self._data), "bytes": self.bytes, "max_bytes": self.max_bytes,
                "max_entries": self.max_entries, "hits": self.hits, "misses": self.misses,
                "hit_ratio": round(self.hits / total, 3) if total else 0.0,
                "evictions": self.evictions, "invalidations": self.invalidations,
                "too_large": self.too_large,
            }

    def _remove(self, key: str) -> None:
        entry = self._data.pop(key, None)
        if entry is None:
            return
        self.bytes -= entry.size
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
        events.sessions_ended.connect(self._on_sessions_ended)
        events.social_changed.connect(self._on_social_changed)

    def _on_catalog_changed(self, sender, **kwargs) -> None:
        self.invalidate_tag("catalog")

    def _on_sessions_ended(self, sender, **kwargs) -> None:
        self.invalidate_tag("sessions")

    def _on_social_changed(self, sender, **kwargs) -> None:
        self.invalidate_tag("social")

    def _on_job_finished(self, sender, job_id=None, **kwargs) -> None:
        if job_id is not None:
            self.invalidate_tag(f"job:{job_id}")

    def _on_member_changed(self, sender, user_id=None, **kwargs) -> None:
        if user_id is not None:
            self.invalidate_tag(f"user:{user_id}")


def get_cache(app) -> Cache:
    return app.extensions["anihome.cache"]

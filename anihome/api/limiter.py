"""The API's in-memory, thread-safe fixed-window limiter: ``limit`` calls per window per caller.

Each key (a token, a member, a client address ...) gets ``limit`` hits per window of
``window`` seconds; the window starts at the key's first hit. State lives in one dict
guarded by a lock, and expired windows are swept now and then so memory stays bounded.
The clock is injectable (any callable returning seconds) so tests can move time.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Decision:
    """The outcome of one hit: whether it is allowed and what the headers should say."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: float  # seconds until the window of this key ends

    @property
    def retry_after(self) -> int:
        """Whole seconds to wait before the next hit can succeed (at least 1)."""
        return max(1, math.ceil(self.reset_after))

    def headers(self) -> dict[str, str]:
        """The X-RateLimit-* headers for this decision (Reset in whole seconds from now)."""
        return {"X-RateLimit-Limit": str(self.limit),
                "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": str(max(0, math.ceil(self.reset_after)))}


class FixedWindowLimiter:
    """``limit`` hits per ``window`` seconds per key; ``limit <= 0`` means unlimited."""

    SWEEP_EVERY = 1000  # hits between sweeps of expired windows

    def __init__(self, limit: int, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = int(limit)
        self.window = float(window)
        self.clock = clock
        self._windows: dict[str, list] = {}  # key -> [window_start, count]
        self._lock = threading.Lock()
        self._hits_since_sweep = 0

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def hit(self, key: str, cost: int = 1) -> Decision:
        """Count one hit for ``key`` and say whether it is within the limit.

        A refused hit is not counted, so a client that waits for Retry-After gets through.
        """
        if not self.enabled:
            return Decision(True, 0, 0, 0.0)
        now = self.clock()
        with self._lock:
            self._maybe_sweep(now)
            entry = self._windows.get(key)
            if entry is None or now - entry[0] >= self.window:
                entry = [now, 0]
                self._windows[key] = entry
            reset_after = entry[0] + self.window - now
            if entry[1] + cost > self.limit:
                return Decision(False, self.limit, max(0, self.limit - entry[1]), reset_after)
            entry[1] += cost
            return Decision(True, self.limit, self.limit - entry[1], reset_after)

    def peek(self, key: str) -> Decision:
        """The state of ``key`` without counting a hit."""
        if not self.enabled:
            return Decision(True, 0, 0, 0.0)
        now = self.clock()
        with self._lock:
            entry = self._windows.get(key)
            if entry is None or now - entry[0] >= self.window:
                return Decision(True, self.limit, self.limit, self.window)
            remaining = max(0, self.limit - entry[1])
            return Decision(remaining > 0, self.limit, remaining, entry[0] + self.window - now)

    def reset(self, key: str) -> None:
        """Forget ``key`` (e.g. after a successful sign-in)."""
        with self._lock:
            self._windows.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._windows)

    def _maybe_sweep(self, now: float) -> None:
        self._hits_since_sweep += 1
        if self._hits_since_sweep < self.SWEEP_EVERY:
            return
        self._hits_since_sweep = 0
        expired = [k for k, (start, _) in self._windows.items() if now - start >= self.window]
        for key in expired:
            del self._windows[key]

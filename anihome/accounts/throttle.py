"""Sign-in throttling: growing delays per (account, client address), a cap per address.

Nobody can lock someone else out. Failures are counted per (account, address) pair: the
first ``free`` failures cost nothing, each later one makes that pair wait before its next
try (1 s, doubling up to 15 minutes), and a correct password or 15 quiet minutes forget
them. A member guessing at the owner's password therefore slows only their own device; the
owner signs in from theirs as usual. Separately, one address may fail ``address_limit``
times in a sliding 15-minute window, whatever the usernames, which stops one device from
trying many accounts. In memory (one process serves AniHome), thread-safe, bounded, with an
injectable clock.
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Callable

WINDOW_SECONDS = 15 * 60
FIRST_DELAY = 1.0  # seconds, after the free failures are used up
MAX_DELAY = float(WINDOW_SECONDS)
# Bound memory under a flood of distinct names or addresses: stale keys are pruned first.
MAX_KEYS = 10_000


def delay_after(failures: int, free: int) -> float:
    """Seconds a pair waits after ``failures`` consecutive failures: none for the first
    ``free - 1``, then 1 s doubling up to ``MAX_DELAY``; ``free <= 0`` turns delays off."""
    if free <= 0 or failures < free:
        return 0.0
    return min(FIRST_DELAY * 2 ** min(failures - free, 32), MAX_DELAY)


class _Window:
    """Failure times per key inside a sliding window (the per-address cap)."""

    def __init__(self, limit: int, window: float):
        self.limit = limit
        self.window = window
        self.failures: dict[str, deque[float]] = {}

    def _prune(self, key: str, now: float) -> deque[float] | None:
        times = self.failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self.failures[key]
            return None
        return times

    def retry_after(self, key: str, now: float) -> float:
        times = self._prune(key, now)
        if self.limit <= 0 or times is None or len(times) < self.limit:
            return 0.0
        return times[-self.limit] + self.window - now

    def add(self, key: str, now: float) -> None:
        if key not in self.failures and len(self.failures) >= MAX_KEYS:
            for stale in list(self.failures):
                self._prune(stale, now)
            if len(self.failures) >= MAX_KEYS:
                self.failures.pop(next(iter(self.failures)))
        times = self.failures.setdefault(key, deque())
        times.append(now)
        while len(times) > max(self.limit, 1):
            times.popleft()


class _Backoff:
    """Consecutive failures per (account, address) pair and when the last one happened."""

    def __init__(self, free: int, forget_after: float):
        self.free = free
        self.forget_after = forget_after
        self.pairs: dict[tuple[str, str], list[float]] = {}  # pair -> [failures, last_at]

    def retry_after(self, pair: tuple[str, str], now: float) -> float:
        entry = self.pairs.get(pair)
        if entry is None:
            return 0.0
        count, last = entry
        if now - last >= self.forget_after:
            del self.pairs[pair]
            return 0.0
        return max(0.0, last + delay_after(int(count), self.free) - now)

    def add(self, pair: tuple[str, str], now: float) -> None:
        entry = self.pairs.get(pair)
        if entry is not None and now - entry[1] >= self.forget_after:
            entry = None
        if entry is None:
            if len(self.pairs) >= MAX_KEYS:
                self._prune(now)
            entry = self.pairs[pair] = [0, now]
        entry[0] += 1
        entry[1] = now

    def clear(self, pair: tuple[str, str]) -> None:
        self.pairs.pop(pair, None)

    def _prune(self, now: float) -> None:
        for pair in [p for p, (_, last) in self.pairs.items() if now - last >= self.forget_after]:
            del self.pairs[pair]
        while len(self.pairs) >= MAX_KEYS:
            self.pairs.pop(next(iter(self.pairs)))


class LoginThrottle:
    """Growing delays per (account, address) after ``account_limit`` free failures, and at most
    ``address_limit`` failures per address in the window.

    ``clock`` returns seconds (monotonic by default); tests pass a fake one.
    """

    def __init__(self, account_limit: int, address_limit: int, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self._pairs = _Backoff(account_limit, window)
        self._addresses = _Window(address_limit, window)
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config, clock: Callable[[], float] = time.monotonic) -> "LoginThrottle":
        return cls(config["LOGIN_ACCOUNT_LIMIT"], config["LOGIN_RATE_LIMIT"], clock=clock)

    def retry_after(self, account: str, address: str | None) -> int:
        """Whole seconds until this address may try this account again; 0 when it may now."""
        address = address or "-"
        with self._lock:
            now = self._clock()
            wait = max(self._pairs.retry_after((account, address), now),
                       self._addresses.retry_after(address, now))
        return int(math.ceil(wait)) if wait > 0 else 0

    def record_failure(self, account: str, address: str | None) -> None:
        address = address or "-"
        with self._lock:
            now = self._clock()
            self._pairs.add((account, address), now)
            self._addresses.add(address, now)

    def record_success(self, account: str, address: str | None) -> None:
        """A correct password forgets this pair's failures (not the address's count)."""
        with self._lock:
            self._pairs.clear((account, address or "-"))


EXTENSION_KEY = "anihome.login_throttle"


def login_throttle(app) -> LoginThrottle:
    """The app's throttle, made on first use from its settings (tests may set their own first)."""
    throttle = app.extensions.get(EXTENSION_KEY)
    if throttle is None:
        throttle = app.extensions.setdefault(EXTENSION_KEY, LoginThrottle.from_config(app.config))
    return throttle

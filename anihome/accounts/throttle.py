"""Sign-in throttling: count failed sign-ins per account and per client address.

A sliding window (15 minutes by default): once a key has ``limit`` failures inside it, further
attempts are refused without checking the password until the oldest failure leaves the
window. In memory (one process serves AniHome), thread-safe, with an injectable clock.
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Callable

WINDOW_SECONDS = 15 * 60
# Bound memory under a flood of distinct names or addresses: stale keys are pruned first.
MAX_KEYS = 10_000


class _Counter:
    """Failure times per key inside a sliding window."""

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
        self.failures.setdefault(key, deque()).append(now)
        times = self.failures[key]
        while len(times) > max(self.limit, 1):
            times.popleft()

    def clear(self, key: str) -> None:
        self.failures.pop(key, None)


class LoginThrottle:
    """Failed sign-ins per account (``account_limit``) and per address (``address_limit``).

    ``clock`` returns seconds (monotonic by default); tests pass a fake one.
    """

    def __init__(self, account_limit: int, address_limit: int, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self._accounts = _Counter(account_limit, window)
        self._addresses = _Counter(address_limit, window)
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config, clock: Callable[[], float] = time.monotonic) -> "LoginThrottle":
        return cls(config["LOGIN_ACCOUNT_LIMIT"], config["LOGIN_RATE_LIMIT"], clock=clock)

    def retry_after(self, account: str, address: str | None) -> int:
        """Whole seconds until an attempt is allowed again; 0 when it is allowed now."""
        with self._lock:
            now = self._clock()
            wait = max(self._accounts.retry_after(account, now),
                       self._addresses.retry_after(address or "-", now))
        return int(math.ceil(wait)) if wait > 0 else 0

    def record_failure(self, account: str, address: str | None) -> None:
        with self._lock:
            now = self._clock()
            self._accounts.add(account, now)
            self._addresses.add(address or "-", now)

    def record_success(self, account: str) -> None:
        """A correct password clears the account's failures (not the address's)."""
        with self._lock:
            self._accounts.clear(account)


EXTENSION_KEY = "anihome.login_throttle"


def login_throttle(app) -> LoginThrottle:
    """The app's throttle, made on first use from its settings (tests may set their own first)."""
    throttle = app.extensions.get(EXTENSION_KEY)
    if throttle is None:
        throttle = app.extensions.setdefault(EXTENSION_KEY, LoginThrottle.from_config(app.config))
    return throttle

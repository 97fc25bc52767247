"""Fault modes of the test fake Kodik (support/kodik.py): scripted misbehaviour for client and sync tests.

A FaultPlan is an ordered list of Faults. Each request takes the first fault that applies
to its path: "fail the next K requests with X", optionally after letting M through.
"""

import dataclasses
import threading

from anihome.kodik.fake.filters import TOKEN_ERROR

KINDS = {
    "slow": "answer normally after `seconds`",
    "hang": "say nothing for `seconds` (longer than the client's timeout), then close the connection",
    "status": "answer HTTP `status` (default 502) with an HTML body, as a proxy in front of Kodik would",
    "rate_limit": "answer 429 with `Retry-After: retry_after` (no header when retry_after is None)",
    "error_json": "answer 500 with Kodik's error JSON, `message` (default: the bad-token text)",
    "truncate": "answer 200 with the first half of the real JSON body",
    "drop": "close the connection without answering",
    "move_item": "answer normally, then give the item just after this /list page a fresh updated_at, so it "
                 "jumps to the front while a client is paging",
}
DEFAULT_SECONDS = {"slow": 0.2, "hang": 10.0}


@dataclasses.dataclass
class Fault:
    """One scripted misbehaviour; `count=None` repeats it forever."""

    kind: str
    count: int | None = 1
    after: int = 0
    path: str | None = None
    seconds: float | None = None
    status: int = 502
    retry_after: int | None = 1
    message: str = TOKEN_ERROR

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(KINDS)}")
        if self.seconds is None:
            self.seconds = DEFAULT_SECONDS.get(self.kind, 0.0)


class FaultPlan:
    """Thread-safe queue of faults; `take(path)` returns the fault for one request, or None."""

    def __init__(self, faults=()):
        self._lock = threading.Lock()
        self._faults = []
        self.fired = []  # kinds of the faults applied, in order
        self.set(faults)

    def set(self, faults):
        """Replace the plan. Faults are copied: the plan counts them down without touching yours."""
        with self._lock:
            self._faults = [dataclasses.replace(f) for f in faults]

    def add(self, fault):
        with self._lock:
            self._faults.append(dataclasses.replace(fault))

    def pending(self):
        """Copies of the faults still waiting to fire."""
        with self._lock:
            return [dataclasses.replace(f) for f in self._faults]

    def take(self, path):
        with self._lock:
            for fault in self._faults:
                if fault.path and fault.path.rstrip("/") != path.rstrip("/"):
                    continue
                if fault.after > 0:
                    fault.after -= 1
                    return None
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                self.fired.append(fault.kind)
                return fault
            return None

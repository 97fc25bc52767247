"""The product's fake Kodik plus what only tests need: scripted faults and request records.

    with FaultyKodik(items=500, seed=7) as fake:
        fake.add_fault("status", count=2)           # the next two requests get HTTP 502
        ...
        assert fake.count("/list") == 3
"""
import json
import threading
from collections import Counter, deque

from anihome.kodik.fake import generator
from anihome.kodik.fake.server import HANDLED, FakeKodik, send

from .kodik_faults import KINDS as FAULT_KINDS
from .kodik_faults import Fault, FaultPlan

__all__ = ["FAULT_KINDS", "Fault", "FaultPlan", "FaultyKodik", "RequestRecord"]

KEEP_REQUESTS = 100_000  # request records kept for assertions; older ones are dropped


class RequestRecord:
    """One request the fake received: method, path and parameters without the token."""

    __slots__ = ("method", "path", "params")

    def __init__(self, method, path, params):
        self.method, self.path, self.params = method, path, params

    def __repr__(self):
        return f"RequestRecord({self.method} {self.path} {self.params})"


class FaultyKodik(FakeKodik):
    """A FakeKodik that records every request and misbehaves as scripted (kodik_faults.KINDS)."""

    def __init__(self, *args, faults=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.faults = FaultPlan(faults)
        self.requests = deque(maxlen=KEEP_REQUESTS)
        self.moved_ids = []  # ids the move_item fault moved, in order
        self._lock = threading.Lock()

    # --- faults ---------------------------------------------------------------------------
    def set_faults(self, *faults):
        """Replace the fault plan, e.g. set_faults(Fault("status", count=2), Fault("rate_limit"))."""
        self.faults.set(faults)

    def add_fault(self, kind, **options):
        """Append one fault: add_fault("hang", seconds=2, count=1, path="/list")."""
        self.faults.add(kind if isinstance(kind, Fault) else Fault(kind, **options))

    def clear_faults(self):
        self.faults.set(())

    # --- request records ------------------------------------------------------------------
    @property
    def request_count(self):
        return len(self.requests)

    def count(self, path=None):
        """Requests received, in total or to one path ("/list")."""
        with self._lock:
            return sum(1 for r in self.requests if path is None or r.path == path)

    def paths(self):
        """Counter of requests per path."""
        with self._lock:
            return Counter(r.path for r in self.requests)

    def reset_requests(self):
        with self._lock:
            self.requests.clear()

    # --- the hooks --------------------------------------------------------------------------
    def before_answer(self, request, method, path, params):
        with self._lock:
            self.requests.append(RequestRecord(method, path, {k: v for k, v in params.items() if k != "token"}))
        fault = self.faults.take(path)
        if fault is not None and self._misbehave(request, fault):
            return HANDLED
        return fault

    def after_answer(self, fault, data, upcoming):
        if fault is not None and fault.kind == "truncate":
            data = data[: len(data) // 2]
        if fault is not None and fault.kind == "move_item" and upcoming is not None:
            self.moved_ids += generator.touch_items(self.catalog, [upcoming])
        return data

    def _misbehave(self, request, fault):
        """Apply a fault before answering; True if the request is fully handled."""
        kind = fault.kind
        if kind == "slow":
            self._stopping.wait(fault.seconds)
            return False
        if kind in ("hang", "drop"):
            if kind == "hang":
                self._stopping.wait(fault.seconds)
            request.close_connection = True
            return True
        if kind == "status":
            page = f"<html><body><h1>{fault.status}</h1>nginx</body></html>".encode()
            send(request, fault.status, page, "text/html")
        elif kind == "rate_limit":
            headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            send(request, 429, b"<html><body>Too Many Requests</body></html>", "text/html", headers)
        elif kind == "error_json":
            send(request, 500, json.dumps({"error": fault.message}, ensure_ascii=False).encode())
        else:
            return False  # truncate, move_item: applied to the real answer
        return True

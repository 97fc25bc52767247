"""A fake Kodik API server over real HTTP, for tests, benchmarks and the offline demo.

`FakeKodik` runs in a background thread (`start()` -> base URL, `stop()`, or `with`);
`serve_forever()` runs one in the foreground for the `anihome fake-kodik` command.
Both GET and POST are answered, parameters read from the query string and from a
form body (a JSON body is ignored, as Kodik does). Fault modes: faults.py.
"""

import hmac
import json
import logging
import threading
import time
from collections import Counter, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import generator
from .api import NotFound, answer
from .faults import Fault, FaultPlan
from .filters import TOKEN_ERROR, ApiError

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "fake-kodik-token"
KEEP_REQUESTS = 100_000  # request records kept for assertions; older ones are dropped
FORM = "application/x-www-form-urlencoded"


class RequestRecord:
    """One request the fake received: method, path and parameters without the token."""

    __slots__ = ("method", "path", "params")

    def __init__(self, method, path, params):
        self.method, self.path, self.params = method, path, params

    def __repr__(self):
        return f"RequestRecord({self.method} {self.path} {self.params})"


class FakeKodik:
    """An in-process fake Kodik: N deterministic items from `seed`, a token, scripted faults."""

    def __init__(self, items=200, seed=1, token=DEFAULT_TOKEN, faults=(), host="127.0.0.1", port=0):
        self.catalog = generator.build_catalog(items, seed)
        self.token = token
        self.host, self.port = host, port
        self.faults = FaultPlan(faults)
        self.requests = deque(maxlen=KEEP_REQUESTS)
        self.moved_ids = []  # ids the move_item fault moved, in order
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = None
        self._thread = None

    def __repr__(self):
        return f"FakeKodik(items={len(self.catalog)}, seed={self.catalog.seed}, url={self.base_url!r})"

    # --- lifecycle ----------------------------------------------------------------------
    @property
    def base_url(self):
        """http://host:port of the running server, or None before start()."""
        if self._server is None:
            return None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def bind(self):
        """Open the listening socket (port 0 picks a free port); return the base URL."""
        if self._server is None:
            self._stopping.clear()
            self._server = ThreadingHTTPServer((self.host, self.port), _Handler)
            self._server.daemon_threads = True
            self._server.fake = self
        return self.base_url

    def start(self):
        """Serve in a background thread; return the base URL."""
        self.bind()
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="fake-kodik", daemon=True)
            self._thread.start()
        return self.base_url

    def serve(self):
        """Serve in the calling thread until stop() is called from elsewhere (or Ctrl+C)."""
        self.bind()
        self._server.serve_forever(poll_interval=0.2)

    def stop(self):
        """Stop serving and close the socket; hanging fault handlers are woken up."""
        self._stopping.set()
        if self._server is not None:
            if self._thread is not None:
                self._server.shutdown()
                self._thread.join()
            self._server.server_close()
        self._server = self._thread = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # --- faults, counters, mutations ----------------------------------------------------
    def set_faults(self, *faults):
        """Replace the fault plan, e.g. set_faults(Fault("status", count=2), Fault("rate_limit"))."""
        self.faults.set(faults)

    def add_fault(self, kind, **options):
        """Append one fault: add_fault("hang", seconds=2, count=1, path="/list")."""
        self.faults.add(kind if isinstance(kind, Fault) else Fault(kind, **options))

    def clear_faults(self):
        self.faults.set(())

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

    def touch(self, n):
        """n items change now (fresh updated_at, new episode for serials); returns their ids."""
        return generator.touch(self.catalog, n)

    def add_items(self, n):
        """n new items appear now; returns their ids."""
        return generator.add_items(self.catalog, n)

    # --- request handling ---------------------------------------------------------------
    def handle(self, request, method):
        """Answer one HTTP request (called by the handler thread)."""
        started = time.perf_counter()
        split = urlsplit(request.path)
        path = split.path.rstrip("/") or "/"
        pairs = parse_qsl(split.query, keep_blank_values=True)
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        if method == "POST" and request.headers.get("Content-Type", "").startswith(FORM):
            pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        params = dict(pairs)
        with self._lock:
            self.requests.append(RequestRecord(method, path, {k: v for k, v in params.items() if k != "token"}))
        fault = self.faults.take(path)
        if fault is not None and self._before(request, fault):
            return
        try:
            status, payload, upcoming = self._answer(path, pairs, params, request.headers.get("Host"))
        except Exception:  # a bug in the fake: answer like a crashed upstream, and say why in the log
            log.exception("fake kodik failed path=%s", path)
            _send(request, 500, b"<html><body>Internal Server Error</body></html>", "text/html")
            return
        if isinstance(payload, dict) and "time" in payload:
            payload["time"] = f"{max(1, round((time.perf_counter() - started) * 1000))}ms"
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        if fault is not None and fault.kind == "truncate":
            data = data[: len(data) // 2]
        if fault is not None and fault.kind == "move_item" and upcoming is not None:
            self.moved_ids += generator.touch_items(self.catalog, [upcoming])
        _send(request, status, data)
        log.debug("fake kodik method=%s path=%s status=%s bytes=%d", method, path, status, len(data))

    def _answer(self, path, pairs, params, host):
        """(status, payload, upcoming item) of a request, token checked first."""
        if not hmac.compare_digest(params.get("token", "").encode(), self.token.encode()):
            return 500, {"error": TOKEN_ERROR}, None
        try:
            result = answer(self.catalog, path, pairs, f"http://{host}" if host else self.base_url)
        except ApiError as exc:
            return 500, {"error": exc.message}, None
        except NotFound:
            return 404, {"error": "Not found"}, None
        return 200, result.payload, result.upcoming

    def _before(self, request, fault):
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
            _send(request, fault.status, page, "text/html")
        elif kind == "rate_limit":
            headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            _send(request, 429, b"<html><body>Too Many Requests</body></html>", "text/html", headers)
        elif kind == "error_json":
            _send(request, 500, json.dumps({"error": fault.message}, ensure_ascii=False).encode())
        else:
            return False  # truncate, move_item: applied to the real answer
        return True


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler delegating to FakeKodik.handle."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeKodik/1.0"
    sys_version = ""
    disable_nagle_algorithm = True

    def do_GET(self):
        self.server.fake.handle(self, "GET")

    def do_POST(self):
        self.server.fake.handle(self, "POST")

    def do_HEAD(self):
        _send(self, 500, b"")

    def do_OPTIONS(self):
        _send(self, 500, json.dumps({"error": TOKEN_ERROR}, ensure_ascii=False).encode())

    def log_message(self, format, *args):
        """Silence http.server's stderr log: its request line would carry the token."""


def _send(request, status, body, content_type="application/json", headers=None):
    try:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        request.close_connection = True  # the client gave up (timeout): nothing to do


def serve_forever(host="127.0.0.1", port=8777, items=10_000, seed=1, token=DEFAULT_TOKEN):
    """Run a fake Kodik in the foreground until interrupted (the `anihome fake-kodik` command)."""
    fake = FakeKodik(items=items, seed=seed, token=token, host=host, port=port)
    url = fake.bind()
    log.info("fake kodik serving url=%s items=%d seed=%d", url, items, seed)
    print(f"Fake Kodik: {url} ({items} items, seed {seed}); Ctrl+C to stop", flush=True)
    try:
        fake.serve()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()

"""A fake Kodik API server over real HTTP, for the offline demo, benchmarks and tests.

`FakeKodik` runs in a background thread (`start()` -> base URL, `stop()`, or `with`);
`serve_forever()` runs one in the foreground for the `anihome fake-kodik` command.
Both GET and POST are answered, parameters read from the query string and from a
form body (a JSON body is ignored, as Kodik does). Scripted faults and request records are
test tooling: `tests/support/kodik.py` adds them through `before_answer`/`after_answer`.
"""

import hmac
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import generator
from .api import NotFound, answer
from .filters import TOKEN_ERROR, ApiError

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "fake-kodik-token"
FORM = "application/x-www-form-urlencoded"
#: what `before_answer` returns when it has answered the request itself
HANDLED = object()


class FakeKodik:
    """An in-process fake Kodik: N deterministic items from `seed` behind a token."""

    def __init__(self, items=200, seed=1, token=DEFAULT_TOKEN, host="127.0.0.1", port=0):
        self.catalog = generator.build_catalog(items, seed)
        self.token = token
        self.host, self.port = host, port
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

    # --- catalog changes ------------------------------------------------------------------
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
        note = self.before_answer(request, method, path, params)
        if note is HANDLED:
            return
        try:
            status, payload, upcoming = self._answer(path, pairs, params, request.headers.get("Host"))
        except Exception:  # a bug in the fake: answer like a crashed upstream, and say why in the log
            log.exception("fake kodik failed path=%s", path)
            send(request, 500, b"<html><body>Internal Server Error</body></html>", "text/html")
            return
        if isinstance(payload, dict) and "time" in payload:
            payload["time"] = f"{max(1, round((time.perf_counter() - started) * 1000))}ms"
        data = self.after_answer(note, json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
                                 upcoming)
        send(request, status, data)
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

    def before_answer(self, request, method, path, params):
        """Called before each answer: return ``HANDLED`` after answering ``request`` yourself,
        else anything, which ``after_answer`` gets back. The product fake does nothing here."""
        return None

    def after_answer(self, note, data, upcoming):
        """The body about to be sent (``upcoming``: the item after this /list page, if any)."""
        return data


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
        send(self, 500, b"")

    def do_OPTIONS(self):
        send(self, 500, json.dumps({"error": TOKEN_ERROR}, ensure_ascii=False).encode())

    def log_message(self, format, *args):
        """Silence http.server's stderr log: its request line would carry the token."""


def send(request, status, body, content_type="application/json", headers=None):
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

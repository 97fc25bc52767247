"""Fixtures for notification tests: fake receivers (ntfy-like, webhook, Telegram, SMTP), members
who follow releases, and a synced catalog from the fake Kodik."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from anihome.kodik.fake.server import FakeKodik
from anihome.models import Release, Translation

from tests.support.web import PASSWORD
from tests.sync.conftest import fast_client


class Receiver:
    """A local HTTP server that records every request; ``script`` can make it fail or hang."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list = []  # per request: an int status, ("hang", seconds), or None for 200
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    step = receiver.script.pop(0) if receiver.script else None
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                              "status": step if isinstance(step, int) else 200})
                if isinstance(step, tuple):
                    time.sleep(step[1])
                status = step if isinstance(step, int) else 200
                answer = json.dumps({"ok": status == 200, "result": {}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def ok(self) -> list[dict]:
        return [r for r in self.requests if r["status"] == 200]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def receiver2():
    server = Receiver()
    yield server
    server.close()


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    import socket

    with socket.socket() as probe:  # aiosmtpd checks readiness by connecting, so it needs a real port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port
    yield box
    controller.stop()


@pytest.fixture
def fake():
    with FakeKodik(items=120, seed=11) as server:
        yield server


@pytest.fixture
def kodik(fake):
    client = fast_client(fake)
    yield client
    client.close()


@pytest.fixture
def synced(db, kodik):
    """The fake's catalog stored by a real full sync."""
    from anihome.kodik import sync

    sync.run_full(kodik)
    return kodik


@pytest.fixture
def members(db):
    """Three members (alice, bob, carol) and the owner, created inside the open connection."""
    from anihome.accounts.users import create_user

    create_user("owner", PASSWORD, "owner")
    return [create_user(name, PASSWORD, "member") for name in ("alice", "bob", "carol")]


def serial_translations(fake, n: int, min_dubs: int = 1) -> list[Translation]:
    """``n`` stored serial translations (one per release) whose releases have >= ``min_dubs`` dubs."""
    chosen, seen = [], set()
    for t in Translation.select().where(Translation.kodik_id.startswith("serial-")).order_by(Translation.id):
        if t.release_id in seen:
            continue
        if Translation.select().where(Translation.release == t.release_id).count() < min_dubs:
            continue
        seen.add(t.release_id)
        chosen.append(t)
        if len(chosen) == n:
            break
    assert len(chosen) == n, "the fake catalog has too few serials"
    return chosen


def add_episodes(fake, translations, times: int = 1) -> None:
    """Each translation's Kodik item gains ``times`` episodes (fresh updated_at)."""
    from anihome.kodik.fake.generator import touch_items

    catalog = fake.catalog
    index = {catalog.item_id(i): i for i in range(len(catalog.items))}
    picks = [index[t.kodik_id] for t in translations]
    for _ in range(times):
        touch_items(catalog, picks)


def release_of(translation) -> Release:
    return Release.get_by_id(translation.release_id)

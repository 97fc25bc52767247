"""A hostile MyAnimeList import cannot grow the serving process: run.py serves for real,
hostile files are sent to it (the audit's 700k distinct tag names, a gzip bomb, deep
nesting, a tag 8 MB long, a full-size list), four of them at once, and the server's peak
RSS (VmHWM, reset before the hostile calls) may grow by less than 20 MB over its RSS after
warming up. Every hostile file gets its 400/413, never a 500."""
from __future__ import annotations

import gzip
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import make_app, make_user

ROOT = Path(__file__).resolve().parents[2]
BUDGET_KB = 20 * 1024


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(pid: int) -> dict[str, int]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines)
            if k in ("VmRSS", "VmHWM")}


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    app = make_app(tmp_path, SECRET_KEY="")
    make_user(app, "owner", "owner")
    member = make_user(app, "member")
    from anihome.accounts import tokens

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        token = tokens.create(member, "memory")[0]
    app.extensions["anihome.db"].close()
    port = _free_port()
    env = dict(os.environ, ANIHOME_DATA_DIR=str(data), ANIHOME_PORT=str(port), ANIHOME_HOST="127.0.0.1",
               ANIHOME_API_RATE_LIMIT="0", ANIHOME_SYNC_INTERVAL_MINUTES="0",
               ANIHOME_POSTER_FETCH_INTERVAL_MINUTES="0", ANIHOME_INTEGRITY_CHECK_MINUTES="0",
               ANIHOME_THREADS="4", ANIHOME_DATABASE_URL=app.config["DATABASE_URL"] or "")  # the test database on PostgreSQL
    proc = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            _call(port, "GET", "/api/v1/health", b"", {})
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("run.py did not start")
            time.sleep(0.1)
    yield port, proc.pid, token
    proc.kill()
    proc.wait()


def _call(port: int, method: str, path: str, body: bytes, headers: dict) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw[:1] == b"{" else {}
    finally:
        conn.close()


def _multipart(payload: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"mal.xml.gz\"\r\n"
            f"Content-Type: application/gzip\r\n\r\n").encode() + payload + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _import(port: int, token: str, payload: bytes, multipart: bool = False) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"}
    if multipart:
        body, headers["Content-Type"] = _multipart(payload)
    else:
        body, headers["Content-Type"] = payload, "application/gzip"
    return _call(port, "POST", "/api/v1/import/mal?dry_run=true", body, headers)


def _bomb() -> bytes:
    """A gzip file of ``<myanimelist>`` and 1 GB of spaces (about 1 MB packed)."""
    pack = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * (1 << 20)
    parts = [pack.compress(b"<myanimelist>")] + [pack.compress(block) for _ in range(1024)]
    return b"".join(parts) + pack.compress(b"</myanimelist>") + pack.flush()


def _hostile() -> dict[str, bytes]:
    tags = b"".join(b"<t%06d>x</t%06d>" % (i, i) for i in range(700_000))
    full = b"".join(b"<anime><series_animedb_id>%d</series_animedb_id><series_title>%s</series_title>"
                    b"<my_status>Watching</my_status><my_comments>%s</my_comments></anime>"
                    % (i, "Название".encode() * 8, "ё".encode() * 100) for i in range(1, 10_001))
    return {
        "700k distinct tags": gzip.compress(b"<myanimelist><anime>" + tags + b"</anime></myanimelist>", 6),
        "1 GB of spaces": _bomb(),
        "100k levels deep": gzip.compress(b"<myanimelist>" + b"<a>" * 100_000 + b"</a>" * 100_000
                                          + b"</myanimelist>"),
        "an 8 MB tag": gzip.compress(b'<myanimelist><a b="' + b">" * (8 << 20) + b'"/></myanimelist>'),
        "10,001 entries": gzip.compress(b"<myanimelist>" + full + full[:200] + b"</myanimelist>"),
    }


def test_hostile_imports_keep_the_servers_peak_rss_growth_under_20_mb(server):
    port, pid, token = server
    hostile = _hostile()
    small = gzip.compress(b"<myanimelist><anime><series_animedb_id>1</series_animedb_id>"
                          b"<my_status>Watching</my_status></anime></myanimelist>")
    for payload in (small, hostile["700k distinct tags"], hostile["an 8 MB tag"][:4096]):  # warm up
        _import(port, token, payload)
        _import(port, token, payload, multipart=True)
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _status(pid)["VmRSS"]
    answers = {}
    for name, payload in hostile.items():
        answers[name] = _import(port, token, payload)[0]
        answers[name + " (multipart)"] = _import(port, token, payload, multipart=True)[0]
    with ThreadPoolExecutor(4) as pool:  # four at once, as in the audit
        answers["four at once"] = sorted(pool.map(lambda n: _import(port, token, hostile[n])[0],
                                                  ["700k distinct tags", "1 GB of spaces",
                                                   "10,001 entries", "an 8 MB tag"]))
    peak = _status(pid)["VmHWM"]
    print(f"import memory: RSS before {before} kB, peak after {peak} kB, growth {peak - before} kB")
    assert all(status in (400, 413) for status in answers.values() if isinstance(status, int)), answers
    assert all(status in (400, 413) for status in answers["four at once"]), answers
    assert peak - before < BUDGET_KB, f"peak RSS grew by {peak - before} kB"

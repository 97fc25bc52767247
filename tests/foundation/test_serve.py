"""README's first command, for real: run.py serves the setup page and the health check."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = dict(os.environ, ANIHOME_DATA_DIR=str(tmp_path / "data"), ANIHOME_PORT=str(port),
               ANIHOME_HOST="127.0.0.1")
    proc = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"run.py exited early:\n{proc.stdout.read()}")
        try:
            urllib.request.urlopen(base + "/api/v1/health", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("run.py did not answer within 20 s")
    yield base, proc, tmp_path / "data"
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_run_py_serves_health_and_sends_a_new_install_to_setup(server):
    base, proc, data = server
    with urllib.request.urlopen(base + "/api/v1/health") as response:
        assert response.status == 200
        assert b'"status":"ok"' in response.read().replace(b" ", b"")
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(base + "/")
    assert redirect.value.code == 302
    assert redirect.value.headers["Location"].endswith("/setup")
    with urllib.request.urlopen(base + "/setup") as response:
        assert response.status == 200
        assert b"<form" in response.read()
    assert (data / "anihome.db").exists()
    assert (data / "logs" / "anihome.log").exists()
    code = (data / "setup_code").read_text().strip()
    log = (data / "logs" / "anihome.log").read_text()
    assert f"enter the setup code {code}" in log and "/setup" in log


def test_sigterm_stops_the_server_cleanly(server):
    base, proc, data = server
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0

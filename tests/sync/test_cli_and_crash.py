"""``anihome sync`` in a real subprocess: exit codes, a wrong token, and SIGKILL mid-sync."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.kodik import Fault, FaultyKodik

from .conftest import catalog_dump

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from anihome.cli import main; main()"]

pytestmark = pytest.mark.sqlite_only("runs anihome in a subprocess on a SQLite data dir and reads the file with sqlite3")


def _env(data_dir, fake, token=None):
    env = dict(os.environ)
    env.update(ANIHOME_DATA_DIR=str(data_dir), ANIHOME_KODIK_URL=fake.base_url,
               ANIHOME_KODIK_TOKEN=fake.token if token is None else token, ANIHOME_KODIK_MAX_RPS="0",
               ANIHOME_KODIK_TIMEOUT="5", ANIHOME_LOG_LEVEL="WARNING")
    return env


def _sync(data_dir, fake, *args, token=None, timeout=120):
    return subprocess.run([*CLI, "sync", *args], cwd=ROOT, env=_env(data_dir, fake, token), capture_output=True,
                          text=True, timeout=timeout)


def _dump(data_dir):
    with sqlite3.connect(Path(data_dir) / "anihome.db") as conn:
        return catalog_dump(conn.execute)


def _full_state(data_dir):
    path = Path(data_dir) / "anihome.db"
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute("SELECT value FROM app_setting WHERE key = 'kodik.sync.full'").fetchone()
    except sqlite3.OperationalError:
        return None
    return json.loads(row[0]) if row else None


@pytest.fixture
def big_fake():
    with FaultyKodik(items=1500, seed=11) as server:
        yield server


def test_sync_full_succeeds_and_reports_its_counts(tmp_path, fake):
    result = _sync(tmp_path / "data", fake, "--full")
    assert result.returncode == 0, result.stderr
    assert "kodik-full-sync succeeded" in result.stdout and "translations_new=" in result.stdout


def test_a_wrong_token_exits_non_zero_naming_the_token_and_changes_nothing(tmp_path, fake):
    data = tmp_path / "data"
    assert _sync(data, fake, "--full").returncode == 0
    before = _dump(data)

    result = _sync(data, fake, "--incremental", token="not-the-right-token")

    assert result.returncode != 0
    assert "Kodik token rejected" in result.stderr
    assert "not-the-right-token" not in result.stderr + result.stdout
    assert _dump(data) == before


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (every thread's), from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _gone(pid: int) -> bool:
    """True when ``pid`` has exited (a zombie not yet reaped counts: it runs nothing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_sigkill_in_the_middle_of_a_full_sync_resumes_to_the_same_catalog(tmp_path, big_fake):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    big_fake.set_faults(Fault("slow", count=None, seconds=0.25, path="/list"))
    proc = subprocess.Popen([*CLI, "sync", "--full"], cwd=ROOT, env=_env(killed, big_fake),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = _full_state(killed)
            if state and state["pages"] >= 6:
                break
            assert proc.poll() is None, "the sync finished before it could be killed"
            time.sleep(0.05)
        else:
            raise AssertionError("the sync made no progress")
        sync_children = _children(proc.pid)
        assert len(sync_children) == 1, "the sync runs in one child process"
        big_fake.set_faults(Fault("slow", count=None, seconds=8, path="/list"))
        time.sleep(1)  # the child now waits on Kodik and writes nothing its parent's death could break
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 4  # the child notices its parent is gone and stops at once
        while not _gone(sync_children[0]) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _gone(sync_children[0]), "the sync's child outlived the process that started it"
    finally:
        if proc.poll() is None:
            proc.kill()
    big_fake.clear_faults()
    with sqlite3.connect(killed / "anihome.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    interrupted_at = _full_state(killed)
    assert interrupted_at and not interrupted_at["walked"] and "token" not in json.dumps(interrupted_at)

    resumed = _sync(killed, big_fake, "--full")
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed=1" in resumed.stdout
    assert _sync(clean, big_fake, "--full").returncode == 0
    with sqlite3.connect(killed / "anihome.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        runs = conn.execute("SELECT status FROM job_run ORDER BY id").fetchall()
    assert runs == [("interrupted",), ("succeeded",)]
    assert _dump(killed) == _dump(clean)


def test_anihome_demo_loads_the_demo_catalog_offline(tmp_path):
    env = dict(os.environ, ANIHOME_DATA_DIR=str(tmp_path / "data"), ANIHOME_KODIK_URL="http://127.0.0.1:9",
               ANIHOME_LOG_LEVEL="WARNING")
    result = subprocess.run([*CLI, "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "kodik-demo succeeded" in result.stdout
    with sqlite3.connect(tmp_path / "data" / "anihome.db") as conn:
        assert conn.execute('SELECT COUNT(*) FROM "release" WHERE available').fetchone()[0] > 500
        assert conn.execute("SELECT value FROM app_setting WHERE key = 'kodik.demo'").fetchone()


def test_anihome_fake_kodik_serves_the_fake_api(tmp_path):
    import requests

    proc = subprocess.Popen([*CLI, "fake-kodik", "--port", "0", "--items", "300", "--seed", "5", "--token", "tok-123"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        url = line.split()[2]
        answer = requests.post(f"{url}/list", data={"token": "tok-123", "types": "anime-serial", "limit": 5},
                               timeout=10)
        assert answer.status_code == 200 and len(answer.json()["results"]) == 5
        refused = requests.post(f"{url}/list", data={"token": "nope"}, timeout=10)
        assert refused.status_code == 500 and "токен" in refused.json()["error"]
    finally:
        proc.terminate()
        proc.wait(10)

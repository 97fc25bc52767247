"""Killing the sender mid-batch (SIGKILL, a real subprocess) loses nothing and, after a restart,
sends nothing twice: at most the one push in flight is repeated, with the same idempotency key."""
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from anihome.db import write_transaction
from anihome.models import Delivery
from anihome.notify import outbox
from anihome.notify.channels import service as channels
from tests.library.conftest import build_catalog

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from anihome.cli import main; main()"]


def _run_job(env, timeout=120):
    return subprocess.run([*CLI, "job", "run", "notify-deliver"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_a_sender_killed_mid_batch_resumes_without_losing_or_repeating_pushes(app, db, members, receiver):
    alice = members[0]
    cat = build_catalog()
    hook, _ = channels.create(alice.id, {"kind": "webhook", "url": receiver.url + "/hook"},
                              app.config["ANIHOME_SETTINGS"])
    with write_transaction():
        ids = outbox.write([outbox.New(alice.id, "episodes", f"k{n}", cat.ongoing.id, cat.ongoing_tr.id, 1, [n])
                            for n in range(1, 41)])
    keys = {f"{nid}-{hook.id}" for nid in ids}
    assert len(keys) == 40
    receiver.script = [("hang", 0.1)] * 500  # each push is received, then answered 0.1 s later
    env = dict(os.environ, ANIHOME_DATA_DIR=app.config["DATA_DIR"], ANIHOME_SECRET_KEY="test-secret",
               ANIHOME_LOG_LEVEL="WARNING", ANIHOME_DATABASE_URL=app.config["DATABASE_URL"] or "")
    proc = subprocess.Popen([*CLI, "job", "run", "notify-deliver"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(receiver.requests) < 12:
            assert proc.poll() is None, "the sender finished before it could be killed"
            assert time.monotonic() < deadline, "the sender made no progress"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    sent_before = Delivery.select().where(Delivery.status == "sent").count()
    assert 0 < sent_before < 40
    receiver.script = []

    result = _run_job(env)

    assert result.returncode == 0, result.stderr
    assert Delivery.select().where(Delivery.status == "sent").count() == 40
    received = Counter(r["headers"]["X-AniHome-Delivery"] for r in receiver.requests)
    assert set(received) == keys  # nothing lost
    repeats = sum(n - 1 for n in received.values())
    assert repeats <= 1  # only the push in flight at the kill, carrying the same key

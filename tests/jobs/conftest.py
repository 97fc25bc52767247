"""Fixtures for job tests: sample jobs added to an app's registry, and signed-in clients."""
from __future__ import annotations

import threading
import time

import pytest

from anihome.clock import utcnow
from anihome.jobs.registry import JobSpec
from anihome.jobs.state import registry_of
from anihome.models import JobRun, User
from tests.support.web import csrf_from, sign_in_as  # noqa: F401  (used by this folder's tests)


class Gate:
    """Lets a test hold a job inside its function until the test releases it."""

    def __init__(self):
        self.entered = threading.Event()
        self.release = threading.Event()
        self.text = "halfway there"  # what the job says it is doing while it waits

    def job(self, ctx):
        ctx.progress(0.5, self.text)
        ctx.count("items", 3)
        ctx.flush()  # about to wait: write what was throttled
        self.entered.set()
        if not self.release.wait(10):
            raise TimeoutError("the test never released the job")
        return {"items": 7}


def _succeeds(ctx):
    for step in range(4):
        ctx.count("items")
        ctx.progress((step + 1) / 4, f"step {step + 1}")
    return {"extra": 2}


def _fails(ctx):
    ctx.count("items", 1)
    raise RuntimeError("Kodik said no to https://kodik-api.com/list?token=abc123secret&limit=1")


@pytest.fixture
def gate():
    gate = Gate()
    yield gate
    gate.release.set()


@pytest.fixture
def sample_jobs(app, gate):
    """Registers ``ok``, ``boom`` and ``held`` (waits for ``gate.release``) on ``app``."""
    registry = registry_of(app)
    registry["ok"] = JobSpec("ok", _succeeds, "A job that counts to four.", interval_minutes=5)
    registry["boom"] = JobSpec("boom", _fails, "A job that fails.")
    registry["held"] = JobSpec("held", gate.job, "A job that waits for the test.")
    return registry


def wait_for_run(app, run_id: int, timeout: float = 10.0) -> JobRun:
    """Poll the database until run ``run_id`` has finished; return it."""
    database = app.extensions["anihome.db"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.connection_context():
            run = JobRun.get_by_id(run_id)
        if run.status != "running":
            return run
        time.sleep(0.02)
    raise AssertionError(f"run {run_id} still running after {timeout}s")


def make_user(username: str, role: str) -> User:
    return User.create(username=username, username_key=username.lower(),
                       password_hash="scrypt:unused", role=role, created_at=utcnow())


@pytest.fixture
def people(app):
    """An owner (so setup is done), an admin and a plain member."""
    with app.extensions["anihome.db"].connection_context():
        return {"owner": make_user("Owner", "owner"), "admin": make_user("Admin", "admin"),
                "member": make_user("Member", "member")}



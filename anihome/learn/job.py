"""The ``learn`` job: start the nightly learning child process, wait for it, record its result.

The serving process never imports scikit-learn: this job only spawns ``python -m anihome.learn``
(no fork with open SQLite connections), passes the data dir and database URL through the
environment and waits. A scheduled run first waits while someone is watching (a progress save
in the last ``WATCHING_WINDOW``) and starts in the next idle moment, at most ``LEARN_MAX_WAIT_MINUTES``
later. A failing child marks the run failed with its last error line; the previous results stay.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any, Mapping

from ..clock import utcnow
from ..jobs.registry import JobSpec, cron_setting
from ..models import WatchProgress
from . import experiments

log = logging.getLogger(__name__)

JOB_ID = "learn"
WATCHING_WINDOW = timedelta(minutes=5)
POLL_SECONDS = 60
CHILD_TIMEOUT = 3600


class LearnFailed(RuntimeError):
    """The child process exited with an error; its last stderr line says why."""


def someone_watching(now=None) -> bool:
    """True when a member saved player progress in the last five minutes."""
    since = (now or utcnow()) - WATCHING_WINDOW
    return WatchProgress.select().where(WatchProgress.updated_at >= since).exists()


def wait_for_idle(ctx, max_minutes: int, sleep=time.sleep, watching=someone_watching) -> bool:
    """Wait while someone is watching; True when idle, False when the wait ran out."""
    deadline = time.monotonic() + max_minutes * 60
    while watching():
        if time.monotonic() >= deadline:
            return False
        ctx.progress(0.0, "waiting: someone is watching")
        sleep(POLL_SECONDS)
    return True


def child_environment(settings: Mapping[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    env["ANIHOME_DATA_DIR"] = str(settings["DATA_DIR"])
    env["ANIHOME_DATABASE_URL"] = str(settings.get("DATABASE_URL") or "")
    env.setdefault("OMP_NUM_THREADS", "1")  # one core: leave the other to the server
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


#: the child's module (tests point it elsewhere to make the child fail)
CHILD_MODULE = "anihome.learn"


def run_child(settings: Mapping[str, Any], run_id: int | None, timeout: int = CHILD_TIMEOUT) -> dict:
    """Run the child to completion; its JSON summary, or LearnFailed."""
    command = [sys.executable, "-m", CHILD_MODULE] + (["--run-id", str(run_id)] if run_id else [])
    try:
        done = subprocess.run(command, env=child_environment(settings), capture_output=True, text=True,
                              timeout=timeout, close_fds=True)
    except subprocess.TimeoutExpired:
        raise LearnFailed(f"the learning process ran longer than {timeout} s and was stopped") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise LearnFailed(lines[-1] if lines else f"the learning process exited with {done.returncode}")
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def learn(ctx) -> None:
    """The job function: wait for an idle moment (scheduled runs), then run the child."""
    if ctx.trigger == "schedule" and not wait_for_idle(ctx, ctx.settings["LEARN_MAX_WAIT_MINUTES"]):
        log.info("learn waited its maximum, running anyway")
    experiments.ensure_builtin()
    summary = run_child(ctx.settings, ctx.run_id)
    for name, value in summary.items():
        ctx.set_count(name, int(value))


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    schedule = cron_setting(settings["LEARN_SCHEDULE"])
    return [JobSpec(
        id=JOB_ID, function=learn,
        description="Recommendations, similar titles and view forecasts, computed in a separate process.",
        cron=schedule, enabled=schedule is not None, setting="LEARN_SCHEDULE",
        misfire_grace_seconds=6 * 3600)]

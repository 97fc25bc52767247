"""The ``learn`` job: start the nightly learning child process, wait for it, record its result.

The serving process never imports scikit-learn: this job only spawns ``python -m anihome.learn
--channel`` through ``jobs.child_process`` (no fork with open SQLite connections), gives it
the settings on its stdin and waits; the child's log lines reach this process's log, and it
dies with this process. A scheduled run first waits while someone is watching (a progress save
in the last ``WATCHING_WINDOW``) and starts in the next idle moment, at most ``LEARN_MAX_WAIT_MINUTES``
later. A failing child marks the run failed with its last error line; the previous results stay.
"""
from __future__ import annotations

import logging
import os
import time
from datetime import timedelta
from typing import Any, Mapping

from ..clock import utcnow
from ..i18n import N_
from ..jobs.child_process import ChildFailed, child_settings, run_child
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
        ctx.progress(0.0, N_("waiting: someone is watching"))
        sleep(POLL_SECONDS)
    return True


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")  # one core: leave the other to the server
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


#: the child's module (tests point it elsewhere to make the child fail)
CHILD_MODULE = "anihome.learn"


def run_learn_child(settings: Mapping[str, Any], run_id: int | None, timeout: int = CHILD_TIMEOUT) -> dict:
    """Run the child to completion (``jobs.child_process``: its log lines reach this process's
    log, and it dies with this process); its counts, or LearnFailed."""
    request = {"run_id": run_id, "settings": child_settings(settings)}
    try:
        return run_child(CHILD_MODULE, request, args=["--channel"], env=child_environment(), timeout=timeout) or {}
    except ChildFailed as exc:
        raise LearnFailed(str(exc)) from None


def learn(ctx) -> None:
    """The job function: wait for an idle moment (scheduled runs), then run the child."""
    if ctx.trigger == "schedule" and not wait_for_idle(ctx, ctx.settings["LEARN_MAX_WAIT_MINUTES"]):
        log.info("learn waited its maximum, running anyway")
    experiments.ensure_builtin()
    summary = run_learn_child(ctx.settings, ctx.run_id)
    for name, value in summary.items():
        ctx.set_count(name, int(value))


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    schedule = cron_setting(settings["LEARN_SCHEDULE"])
    return [JobSpec(
        id=JOB_ID, function=learn,
        description="Recommendations, similar titles and view forecasts, computed in a separate process.",
        cron=schedule, enabled=schedule is not None, setting="LEARN_SCHEDULE",
        misfire_grace_seconds=6 * 3600)]

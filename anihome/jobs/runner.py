"""Run a registered job and record it: one JobRun row per run (idle runs of
a ``coalesce_idle`` job folded into one), live progress, counts, errors.

``run_job`` is the single entry point of the scheduler, the admin page ("Run now", via
``start_job_in_background``) and the CLI. A job is a plain function ``fn(ctx)``; the
``JobContext`` lets it report progress and counts, written as short write transactions at
most every ``PROGRESS_INTERVAL`` seconds. Only one run of a job at a time: a per-app lock
guards this process, the database (the ``running`` rows with their ``pid`` and process
identity, see ``liveness.py``) guards others; ``clear_run`` lets an admin end a stuck run.
A failing job is recorded as ``failed`` with its scrubbed error text and logged with its
traceback; the caller gets the failed JobRun back.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Mapping

from flask import current_app, has_app_context

from .. import events
from ..clock import utcnow
from ..db import database, write_transaction
from ..errors import Conflict, NotFound
from ..serving.logging_setup import scrub
from ..models import JobRun
from ..ops import memory
from .liveness import process_identity, process_is
from .state import job_state

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5
TRIGGERS = ("manual", "schedule", "cli")
FINISHED = ("succeeded", "failed", "interrupted")
IDLE_COUNT = "idle_runs"  # on a coalesced idle run: how many idle runs its row stands for
_ERROR_LIMIT = 2000
_TEXT_LIMIT = 200


class UnknownJob(NotFound):
    """No job with this id is registered."""


class JobAlreadyRunning(Conflict):
    """A run of this job is in progress (in this process or another); ``run`` is that run."""

    def __init__(self, run: JobRun):
        super().__init__(f"job {run.job_id} is already running (run {run.id}, "
                         f"started {run.started_at:%Y-%m-%d %H:%M:%S} UTC)")
        self.run = run


@dataclass
class JobContext:
    """What a job function receives: its app and settings, and ways to report progress."""

    app: Any
    run_id: int
    job_id: str
    trigger: str
    counts: dict[str, int] = field(default_factory=dict)
    _fraction: float | None = None
    _text: str = ""
    _last_write: float = 0.0
    _dirty: bool = False

    @property
    def settings(self) -> Mapping[str, Any]:
        return self.app.config["ANIHOME_SETTINGS"]

    def progress(self, fraction: float | None, text: str = "") -> None:
        """Report how far along the run is (0..1, or None when unknown) and what it is doing."""
        if fraction is not None:
            fraction = min(max(float(fraction), 0.0), 1.0)
        self._fraction, self._text = fraction, str(text)[:_TEXT_LIMIT]
        self._dirty = True
        self._maybe_flush()

    def count(self, name: str, n: int = 1) -> None:
        """Add ``n`` to the counter ``name`` (e.g. ``ctx.count("releases", 100)``)."""
        self.counts[name] = self.counts.get(name, 0) + n
        self._dirty = True
        self._maybe_flush()

    def set_count(self, name: str, value: int) -> None:
        """Set the counter ``name`` to ``value``."""
        self.counts[name] = value
        self._dirty = True
        self._maybe_flush()

    def flush(self) -> None:
        """Write progress and counts now (the runner calls this; jobs rarely need to)."""
        if not self._dirty:
            return
        with write_transaction():
            JobRun.update(progress=self._fraction, progress_text=self._text,
                          counts=json.dumps(self.counts, sort_keys=True)
                          ).where(JobRun.id == self.run_id).execute()
        self._dirty = False
        self._last_write = time.monotonic()

    def _maybe_flush(self) -> None:
        if time.monotonic() - self._last_write >= PROGRESS_INTERVAL:
            self.flush()


@contextmanager
def job_scope(app):
    """An app context and a database connection for this thread, reusing open ones.

    An app context is pushed only when this thread has none for ``app``: popping one
    closes the thread's connection (``db.init_app``), which would end the caller's.
    """
    if has_app_context() and current_app._get_current_object() is app:
        with database.connection_context():
            yield
    else:
        with app.app_context(), database.connection_context():
            yield


def _is_live(app, run: JobRun) -> bool:
    """True when the process that started ``run`` is still executing it."""
    if run.pid is None:
        return False
    if run.pid == os.getpid():
        return job_state(app).active.get(run.job_id) == run.id
    return process_is(run.pid, run.process_start)


def _interrupt(run: JobRun) -> None:
    JobRun.update(status="interrupted", finished_at=utcnow(),
                  error="The process running this job stopped before it finished."
                  ).where(JobRun.id == run.id, JobRun.status == "running").execute()
    log.warning("job=%s run=%s status=interrupted pid=%s", run.job_id, run.id, run.pid)


def mark_interrupted_runs(app) -> int:
    """Mark runs left ``running`` by a process that no longer runs them; return how many."""
    with job_scope(app):
        with write_transaction():
            stale = [run for run in JobRun.select().where(JobRun.status == "running")
                     if not _is_live(app, run)]
            for run in stale:
                _interrupt(run)
    return len(stale)


def clear_run(app, run_id: int, by: str) -> JobRun:
    """Mark a stuck ``running`` run interrupted (an admin's decision), freeing its job to run again.

    Raises ``NotFound`` for an unknown run and ``Conflict`` when the run already finished.
    """
    state = job_state(app)
    with state.lock, job_scope(app):
        with write_transaction():
            run = JobRun.get_or_none(JobRun.id == run_id)
            if run is None:
                raise NotFound(f"no job run {run_id}")
            if run.status != "running":
                raise Conflict(f"run {run_id} of {run.job_id} is not running (it {run.status})")
            JobRun.update(status="interrupted", finished_at=utcnow(),
                          error=f"Cleared by {by}: marked as stopped by hand."
                          ).where(JobRun.id == run_id, JobRun.status == "running").execute()
        if state.active.get(run.job_id) == run_id:
            del state.active[run.job_id]
        run = JobRun.get_by_id(run_id)
    log.warning("job=%s run=%s status=interrupted cleared_by=%s pid=%s", run.job_id, run_id, by, run.pid)
    return run


def begin_run(app, job_id: str, trigger: str = "manual") -> JobRun:
    """Record a new ``running`` run of ``job_id``; refuse while another run of it is live."""
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    state = job_state(app)
    if job_id not in state.registry:
        raise UnknownJob(f"no job named {job_id!r}; known jobs: {', '.join(sorted(state.registry))}")
    with state.lock, job_scope(app):
        with write_transaction():
            for other in JobRun.select().where(JobRun.job_id == job_id, JobRun.status == "running"):
                if _is_live(app, other):
                    raise JobAlreadyRunning(other)
                _interrupt(other)
            run = JobRun.create(job_id=job_id, trigger=trigger, status="running",
                                started_at=utcnow(), pid=os.getpid(),
                                process_start=process_identity(os.getpid()), counts="{}")
        state.active[job_id] = run.id
    log.info("job=%s run=%s trigger=%s status=running", job_id, run.id, trigger)
    return run


def execute_run(app, run: JobRun) -> JobRun:
    """Call the job function for a run made by ``begin_run`` and record how it ended."""
    state = job_state(app)
    spec = state.registry[run.job_id]
    ctx = JobContext(app=app, run_id=run.id, job_id=run.job_id, trigger=run.trigger)
    status, error = "succeeded", None
    try:
        with job_scope(app):
            try:
                result = spec.function(ctx)
                if isinstance(result, Mapping):
                    for name, value in result.items():
                        ctx.set_count(str(name), value)
            except Exception as exc:  # recorded and logged below, never swallowed
                status = "failed"
                error = scrub(f"{type(exc).__name__}: {exc}")[:_ERROR_LIMIT]
                log.exception("job=%s run=%s status=failed", run.job_id, run.id)
            memory.release()  # a job's garbage and its connection's page cache go back to the system
            _finish(ctx, status, error)  # before the run shows finished: waiters see the memory back
            if spec.coalesce_idle and status == "succeeded" and run.trigger == "schedule":
                _coalesce_idle(ctx)
            finished = JobRun.get_by_id(run.id)
    finally:
        with state.lock:
            if state.active.get(run.job_id) == run.id:
                del state.active[run.job_id]
    events.job_finished.send(app, job_id=run.job_id, status=status, run_id=run.id)
    return finished


def _finish(ctx: JobContext, status: str, error: str | None) -> None:
    fraction = 1.0 if status == "succeeded" else ctx._fraction
    with write_transaction():
        JobRun.update(status=status, finished_at=utcnow(), error=error, progress=fraction,
                      progress_text=ctx._text, counts=json.dumps(ctx.counts, sort_keys=True)
                      ).where(JobRun.id == ctx.run_id).execute()
    log.info("job=%s run=%s status=%s counts=%s", ctx.job_id, ctx.run_id, status,
             json.dumps(ctx.counts, sort_keys=True))


def _idle(counts: Mapping[str, Any]) -> bool:
    return all(not value for name, value in counts.items() if name != IDLE_COUNT)


def _coalesce_idle(ctx: JobContext) -> None:
    """A scheduled run that did nothing replaces the idle scheduled run just before it
    (``JobSpec.coalesce_idle``); ``idle_runs`` counts the runs the kept row stands for."""
    if not _idle(ctx.counts):
        return
    with write_transaction():
        previous = (JobRun.select().where(JobRun.job_id == ctx.job_id, JobRun.id < ctx.run_id)
                    .order_by(JobRun.id.desc()).first())
        if previous is None or previous.status != "succeeded" or previous.trigger != "schedule":
            return
        try:
            before = json.loads(previous.counts or "{}")
        except ValueError:
            return
        if not isinstance(before, dict) or not _idle(before):
            return
        ctx.counts[IDLE_COUNT] = int(before.get(IDLE_COUNT) or 1) + 1
        JobRun.update(counts=json.dumps(ctx.counts, sort_keys=True)).where(JobRun.id == ctx.run_id).execute()
        JobRun.delete().where(JobRun.id == previous.id).execute()


def run_job(app, job_id: str, trigger: str = "manual") -> JobRun:
    """Run ``job_id`` now in this thread and return its finished JobRun (status tells how it went).

    Raises ``UnknownJob`` for an unregistered id and ``JobAlreadyRunning`` while it runs.
    """
    return execute_run(app, begin_run(app, job_id, trigger))


def start_job_in_background(app, job_id: str, trigger: str = "manual") -> JobRun:
    """Record a run of ``job_id`` and execute it in a daemon thread; return the new run at once."""
    app = getattr(app, "_get_current_object", lambda: app)()  # a thread needs the app, not the proxy
    run = begin_run(app, job_id, trigger)
    thread = threading.Thread(target=_execute_logged, args=(app, run),
                              name=f"anihome-job-{job_id}-{run.id}", daemon=True)
    try:
        thread.start()
    except RuntimeError:
        with job_state(app).lock:
            job_state(app).active.pop(job_id, None)
        raise
    return run


def _execute_logged(app, run: JobRun) -> None:
    try:
        execute_run(app, run)
    except Exception:  # only bookkeeping can fail here; the job's own errors are recorded
        log.exception("job=%s run=%s status=bookkeeping-failed", run.job_id, run.id)

"""Per-app job bookkeeping: the registry, the runs in flight in this process, and a lock.

Kept in ``app.extensions["anihome.jobs"]`` and created on first use, so two apps in one
process (as in tests) never share a registry or a lock.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from .registry import JobSpec, build_registry

EXTENSION = "anihome.jobs"
SCHEDULER_EXTENSION = "anihome.scheduler"


@dataclass
class JobState:
    registry: dict[str, JobSpec]
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: job id -> id of the JobRun this process is executing for it.
    active: dict[str, int] = field(default_factory=dict)


def job_state(app) -> JobState:
    """The app's job state, built from its settings on first use."""
    state = app.extensions.get(EXTENSION)
    if state is None:
        state = app.extensions.setdefault(EXTENSION, JobState(build_registry(app.config["ANIHOME_SETTINGS"])))
    return state


def registry_of(app) -> dict[str, JobSpec]:
    """The app's jobs by id (a per-app dict; tests may add specs to it)."""
    return job_state(app).registry


def scheduler_of(app):
    """The scheduler started in this process for ``app``, or None."""
    return app.extensions.get(SCHEDULER_EXTENSION)

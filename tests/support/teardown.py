"""Close a test app's database only after its background job threads are done.

``close_all`` closes pooled connections that other threads are using; a job started with
``start_job_in_background`` (a test that clicks "Run now") may still be in its final
bookkeeping when the test ends, and SQLite crashes the whole process (a segfault, not an
exception) when its connection is closed under a running statement.
"""
from __future__ import annotations

import threading

from anihome.db import close_all

JOB_THREAD_PREFIX = "anihome-job-"  # anihome.jobs.runner names its threads so


def wait_for_job_threads(timeout: float = 60.0) -> None:
    for thread in threading.enumerate():
        if thread.name.startswith(JOB_THREAD_PREFIX) and thread is not threading.current_thread():
            thread.join(timeout)


def close_app(app) -> None:
    wait_for_job_threads()
    close_all(app.extensions["anihome.db"])

"""Give memory back to the system after long work: imports, exports, reports and jobs.

Long work leaves the serving process bigger than it found it even when it keeps nothing:
freed blocks stay in glibc's malloc arenas (one per thread that allocated, up to eight per
core), and the pooled SQLite connection it used keeps up to ``cache_size`` of pages
(db.SQLITE_PRAGMAS). ``release()`` runs when such work ends (the job runner after every job,
``after_long_work`` after the routes that import, export or make reports): it shrinks the
current connection's page cache (``PRAGMA shrink_memory``), collects garbage cycles, and
calls glibc's ``malloc_trim(0)``, which returns the free pages of every arena to the
system. Where there is no glibc (musl, macOS) the trim is skipped. Measured in
docs/benchmarks.md ("Memory of long work", bench/long_work_memory_bench.py).
"""
from __future__ import annotations

import gc
import logging

from ..db import database, is_sqlite

log = logging.getLogger(__name__)

_trim = None  # the libc function once looked up; False where there is none


def _malloc_trim() -> bool:
    global _trim
    if _trim is None:
        try:
            import ctypes

            _trim = ctypes.CDLL(None).malloc_trim  # the symbols already loaded: no ldconfig, no search
            _trim.argtypes, _trim.restype = [ctypes.c_size_t], ctypes.c_int
        except (OSError, AttributeError):  # not glibc
            _trim = False
    return bool(_trim and _trim(0))


def shrink_connection() -> None:
    """Drop the page cache of this thread's open SQLite connection (it refills from the OS cache)."""
    try:
        if is_sqlite() and not database.is_closed():
            database.execute_sql("PRAGMA shrink_memory")
    except Exception:  # noqa: BLE001 - giving memory back must never fail the work it follows
        log.debug("shrink_memory failed", exc_info=True)


def release(connection: bool = True) -> None:
    """After long work: shrink this thread's SQLite connection cache, collect, trim malloc."""
    if connection:
        shrink_connection()
    gc.collect()
    _malloc_trim()


def after_long_work(response):
    """For a Flask view that imported, exported or made a report: shrink its connection's
    cache now, and collect and trim once the answer has been sent. Returns ``response``."""
    shrink_connection()

    def after_sending() -> None:
        release(connection=False)

    if response.direct_passthrough:  # werkzeug hands such bodies to the server without its close hooks
        from werkzeug.wsgi import ClosingIterator

        response.response = ClosingIterator(response.response, [after_sending])
    else:
        response.call_on_close(after_sending)
    return response

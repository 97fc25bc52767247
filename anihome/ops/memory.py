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

``tune_malloc(settings)`` runs once when the server starts, before any thread: it caps
glibc's malloc arenas (``MALLOC_ARENA_MAX``; glibc's default is eight per core, one per
thread that allocates, each keeping its own free memory) and fixes the size from which a
block gets its own mapping (``MALLOC_MMAP_THRESHOLD_KB``). glibc raises that threshold by
itself after the first big block is freed (up to 32 MB), after which big buffers (SQLite's
sorter, a long JSON export) come from the arenas and their memory stays with the process;
a fixed threshold hands every big block back to the system when it is freed.
``start_trimming(seconds)`` runs ``malloc_trim(0)`` every ``MALLOC_TRIM_SECONDS`` in a
daemon thread of the server, so the free pages request threads leave inside the arenas go
back too. Measured in docs/benchmarks.md (issue 17, "Serving: member pages ... bounded memory").
"""
from __future__ import annotations

import gc
import logging
import threading

from ..db import database, is_sqlite

log = logging.getLogger(__name__)

_trim = None  # the libc function once looked up; False where there is none

#: mallopt(3) parameters (glibc's malloc.h)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8


def _glibc():
    """glibc as loaded in this process, or None (musl, macOS, Windows)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)  # the symbols already loaded: no ldconfig, no search
        libc.gnu_get_libc_version  # only glibc has it  # noqa: B018
        return libc
    except (OSError, AttributeError, TypeError):
        return None


def _malloc_trim() -> bool:
    global _trim
    if _trim is None:
        libc = _glibc()
        if libc is None:
            _trim = False
        else:
            import ctypes

            _trim = libc.malloc_trim
            _trim.argtypes, _trim.restype = [ctypes.c_size_t], ctypes.c_int
    return bool(_trim and _trim(0))


def start_trimming(seconds: float) -> threading.Event | None:
    """Every ``seconds``, hand the arenas' free pages back to the system (``malloc_trim(0)``)
    from a daemon thread; set the returned event to stop it. None when off or not glibc."""
    if seconds <= 0 or _glibc() is None:
        return None
    stop = threading.Event()

    def trim_until_stopped() -> None:
        while not stop.wait(seconds):
            _malloc_trim()

    threading.Thread(target=trim_until_stopped, name="anihome-malloc-trim", daemon=True).start()
    return stop


def tune_malloc(settings: dict) -> dict[str, int]:
    """Cap glibc's arenas and fix its mmap threshold (settings ``MALLOC_ARENA_MAX``,
    ``MALLOC_MMAP_THRESHOLD_KB``; 0 leaves glibc's own behaviour). Call once at process
    start, before threads are started. Returns what was applied; {} where there is no glibc."""
    wanted = {"arena_max": (M_ARENA_MAX, settings["MALLOC_ARENA_MAX"]),
              "mmap_threshold_kb": (M_MMAP_THRESHOLD, settings["MALLOC_MMAP_THRESHOLD_KB"] * 1024)}
    if not any(value > 0 for _, value in wanted.values()):
        return {}
    libc = _glibc()
    if libc is None:
        log.info("malloc_tuning skipped=not-glibc")
        return {}
    import ctypes

    libc.mallopt.argtypes, libc.mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    applied = {}
    for name, (param, value) in wanted.items():
        if value > 0 and libc.mallopt(param, value) == 1:
            applied[name] = value // 1024 if name == "mmap_threshold_kb" else value
    log.info("malloc_tuning %s", " ".join(f"{k}={v}" for k, v in applied.items()))
    return applied


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


def peak_rss_mb() -> int:
    """This process's peak RSS in MB: VmHWM, which starts afresh at exec (ru_maxrss keeps the
    forking parent's peak on Linux, so a child of a big process would report the parent's)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

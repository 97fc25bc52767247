"""Where the memory a Kodik sync job leaves in a serving process goes.

A process like the server (the app, glibc tuned as ``run_server`` does, a pooled SQLite
connection warmed by a few pages) runs
the kodik-full-sync job --full times (3) in job threads, as the scheduler does, against a fake
Kodik of --items items in its own process. After each stage it prints VmRSS, the memory
SQLite's allocator holds (``sqlite3_memory_used``) and pymalloc's arenas (1 MB each; an
arena goes back to the system only when every object in it is freed):

* with ``--in-process``, the imports the sync path adds (requests, orjson);
* each sync (the job runner's ``ops.memory.release`` included);
* --incremental syncs of the unchanged catalog, timed (wall and CPU, children included): what
  starting a child costs each SYNC_INTERVAL_MINUTES;
* then what closing every pooled connection would give back (``db.close_all``), and clearing
  the standard library's URL-parsing and regex caches.

The sync jobs run the sync in a child process; ``--in-process`` runs it in the job's thread
as before (the baseline the child is measured against).

Run: python3 bench/sync_memory_bench.py [--items 6000] [--in-process]
"""
from __future__ import annotations

import argparse
import ctypes
import importlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pymalloc_arenas() -> int:
    """pymalloc's arenas in use (from sys._debugmallocstats, which writes to fd 2)."""
    with tempfile.TemporaryFile("w+") as out:
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        found = re.search(r"# arenas allocated current\s*=\s*([\d,]+)", out.read())
    return int(found.group(1).replace(",", "")) if found else -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=6000)
    parser.add_argument("--in-process", action="store_true",
                        help="run the sync in the job's thread, as before the child process (the baseline)")
    parser.add_argument("--full", type=int, default=3, help="full sync jobs to run")
    parser.add_argument("--incremental", type=int, default=9,
                        help="incremental syncs of the unchanged catalog to time after the full ones")
    args = parser.parse_args()
    fake = subprocess.Popen([sys.executable, str(ROOT / "bench/sync_bench.py"), "--role", "fake", "--items",
                             str(args.items), "--touch", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        url = fake.stdout.readline().strip()
        from tests.conftest import make_app

        app = make_app(Path(tempfile.mkdtemp(prefix="anihome-syncmem-")), TESTING=False, SECRET_KEY="",
                       KODIK_URL=url, KODIK_TOKEN="fake-kodik-token", KODIK_MAX_RPS=0)
        from anihome.ops.memory import tune_malloc

        tune_malloc(app.config)
        client = app.test_client()
        for path in ("/", "/browse", "/"):
            client.get(path)
        from anihome.jobs.runner import run_job
        from anihome.ops import memory

        memory.release()
        sqlite = ctypes.CDLL("libsqlite3.so.0")
        sqlite.sqlite3_memory_used.restype = ctypes.c_int64
        last = rss_mb()

        def stage(name: str) -> None:
            nonlocal last
            now = rss_mb()
            print(f"{name:34s} rss={now:6.1f} MB ({now - last:+5.1f})  sqlite={sqlite.sqlite3_memory_used() / 2**20:4.1f} MB"
                  f"  pymalloc arenas={pymalloc_arenas()}", flush=True)
            last = now

        stage("served, warmed, released")
        if args.in_process:  # the sync as it ran before its child process: the baseline
            from anihome.kodik import jobs as kodik_jobs
            from anihome.kodik.sync import run_sync

            def in_process(ctx, mode: str, token: str):
                report = run_sync(ctx.settings, mode, token, progress=kodik_jobs.progress_reporter(ctx))
                return report.mode, report.as_counts()

            kodik_jobs.sync_in_child = in_process
            for module in ("requests", "orjson", "anihome.kodik.sync"):
                importlib.import_module(module)
            stage("imports of the sync path")
        for number in range(1, args.full + 1):
            runs: list = []
            thread = threading.Thread(target=lambda done=runs: done.append(run_job(app, "kodik-full-sync", "manual")))
            thread.start()
            thread.join()
            time.sleep(0.5)
            stage(f"after sync job {number}")
            run = runs[0]
            print(f"{'':34s} {run.status}: items={run.counts_dict.get('items')} "
                  f"child peak={run.counts_dict.get('peak_rss_mb', '-')} MB", flush=True)
        print(f"{'':34s} requests imported here: {'requests' in sys.modules}", flush=True)
        walls, cpus = [], []
        for _ in range(args.incremental):  # nothing changed on Kodik: what starting a sync costs
            before, started = os.times(), time.perf_counter()
            run = run_job(app, "kodik-sync", "manual")
            after = os.times()
            walls.append(time.perf_counter() - started)
            cpus.append(sum(after[:4]) - sum(before[:4]))  # this process and its children
            assert run.status == "succeeded", run.error
        if walls:
            stage(f"after {len(walls)} incremental syncs")
            print(f"{'':34s} an incremental sync of an unchanged catalog: median wall "
                  f"{statistics.median(walls) * 1000:.0f} ms, CPU {statistics.median(cpus) * 1000:.0f} ms", flush=True)
        from anihome.db import close_all

        close_all(app.extensions["anihome.db"])
        memory.release()
        stage("pooled connections closed")
        import urllib.parse

        urllib.parse.clear_cache()
        re.purge()
        memory.release()
        stage("URL and regex caches cleared")
    finally:
        fake.terminate()
        fake.wait()


if __name__ == "__main__":
    main()

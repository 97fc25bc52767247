"""Where the memory a Kodik sync job leaves in a serving process goes.

A process like the server (the app, glibc tuned as ``run_server`` does, a pooled SQLite
connection warmed by a few pages) runs
the kodik-full-sync job three times in job threads, as the scheduler does, against a fake
Kodik of --items items in its own process. After each stage it prints VmRSS, the memory
SQLite's allocator holds (``sqlite3_memory_used``) and pymalloc's arenas (1 MB each; an
arena goes back to the system only when every object in it is freed):

* the imports the sync path adds (requests, orjson);
* each sync (the job runner's ``ops.memory.release`` included);
* then what closing every pooled connection would give back (``db.close_all``), and clearing
  the standard library's URL-parsing and regex caches.

Run: python3 bench/sync_memory_bench.py [--items 6000] [--env NAME=VALUE]
"""
from __future__ import annotations

import argparse
import ctypes
import importlib
import os
import re
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
        for module in ("requests", "orjson", "anihome.kodik.sync"):
            importlib.import_module(module)
        stage("imports of the sync path")
        for run in range(1, 4):
            thread = threading.Thread(target=run_job, args=(app, "kodik-full-sync", "manual"))
            thread.start()
            thread.join()
            time.sleep(0.5)
            stage(f"after sync job {run}")
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

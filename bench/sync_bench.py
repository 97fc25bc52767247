"""Kodik sync throughput and memory against the loopback fake Kodik, with the fetch+parse floor.

Every phase runs in its own process, so each reports its own peak RSS (VmHWM) and the
fake's CPU never counts against the sync:

1. fake    — a FakeKodik with --items items (seed --seed) serving on 127.0.0.1;
2. floor   — walk /list with the sync's parameters and json-parse every page, store nothing;
3. full    — ``run_full`` into a fresh data dir (migrated SQLite), exactly as the job does;
4. a second fake, the same catalog with --touch items changed (fresh updated_at, new episodes);
5. incr    — ``run_incremental`` against it, on the data dir of step 3.

Run: python3 bench/sync_bench.py [--items 112000] [--touch 1130] [--profile]
(--items and --touch count every Kodik type; about 90% are anime, which is what the sync asks
for: 112,000 items give ~100,000 anime items, 1,130 touched give ~1,000 changed anime items.)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def vm_hwm_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return _status_mb("VmHWM")


def vm_rss_mb() -> float:
    return _status_mb("VmRSS")


def role_fake(args) -> None:
    from anihome.kodik.fake.server import FakeKodik

    fake = FakeKodik(items=args.items, seed=args.seed)
    if args.touch:
        fake.touch(args.touch)
    url = fake.bind()
    fake.catalog.order("updated_at")  # warm the sort order before the clock starts
    print(url, flush=True)
    fake.serve()


def role_floor(args) -> dict:
    from anihome.kodik.client import KodikClient
    from anihome.kodik.walker import walk

    client = KodikClient(args.url, "fake-kodik-token", max_rps=0)
    started = time.perf_counter()
    items = pages = 0
    for page in walk(client, None):
        items += len(page.items)
        pages += 1
    seconds = time.perf_counter() - started
    return {"items": items, "pages": pages, "seconds": seconds, "peak_rss_mb": vm_hwm_mb(),
            "cpu_seconds": time.process_time()}


def role_sync(args) -> dict:
    from anihome import create_app
    from anihome.kodik import sync
    from anihome.kodik.client import KodikClient
    from anihome.models import Episode, Release, Translation
    from anihome.serving.startup import prepare_database

    app = create_app({"DATA_DIR": str(Path(args.data) / "data")})
    prepare_database(app)
    database = app.extensions["anihome.db"]
    client = KodikClient(args.url, "fake-kodik-token", max_rps=0)
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    with app.app_context(), database.connection_context():
        baseline = vm_rss_mb()
        started = time.perf_counter()
        report = (sync.run_full if args.mode == "full" else sync.run_incremental)(client)
        seconds = time.perf_counter() - started
        counts = {"releases": Release.select().count(), "translations": Translation.select().count(),
                  "episodes": Episode.select().count()}
    if profiler:
        profiler.stop()
        Path(args.data, f"profile-{args.mode}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
    db_mb = Path(args.data, "data", "anihome.db").stat().st_size / 2**20
    return {"items": report.items, "pages": report.pages, "seconds": seconds, "peak_rss_mb": vm_hwm_mb(),
            "baseline_rss_mb": baseline, "cpu_seconds": time.process_time(),
            "episodes_new": report.episodes_new, "announced": report.episodes_announced, "db_mb": db_mb, **counts}


def _child(role: str, *extra: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--role", role, *extra], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _start_fake(items: int, seed: int, touch: int) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, __file__, "--role", "fake", "--items", str(items), "--seed", str(seed),
                             "--touch", str(touch)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline().strip()


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite " \
           f"{__import__('sqlite3').sqlite_version}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", default="main", choices=("main", "fake", "floor", "sync"))
    parser.add_argument("--items", type=int, default=112_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--touch", type=int, default=1130)
    parser.add_argument("--url")
    parser.add_argument("--data")
    parser.add_argument("--mode", default="full")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.role == "fake":
        return role_fake(args)
    if args.role in ("floor", "sync"):
        result = role_floor(args) if args.role == "floor" else role_sync(args)
        print(json.dumps(result))
        return

    print(f"machine: {_machine()}; load average before: {os.getloadavg()[0]:.2f}")
    data = tempfile.mkdtemp(prefix="anihome-syncbench-")
    proc, url = _start_fake(args.items, args.seed, 0)
    try:
        floor = _child("floor", "--url", url)
        full = _child("sync", "--url", url, "--data", data, "--mode", "full", *(["--profile"] if args.profile else []))
    finally:
        proc.terminate()
        proc.wait()
    proc, url = _start_fake(args.items, args.seed, args.touch)
    try:
        incr = _child("sync", "--url", url, "--data", data, "--mode", "incremental",
                      *(["--profile"] if args.profile else []))
    finally:
        proc.terminate()
        proc.wait()
    for name, result in (("floor (fetch+parse)", floor), ("full sync", full), ("incremental", incr)):
        rate = result["items"] / result["seconds"] if result["seconds"] else 0
        print(f"{name:20s} items={result['items']:>7} pages={result['pages']:>5} seconds={result['seconds']:7.2f} "
              f"items/s={rate:8.0f} cpu_s={result['cpu_seconds']:6.1f} peak_rss_mb={result['peak_rss_mb']:.1f}"
              + (f" (before sync {result['baseline_rss_mb']:.1f})" if "baseline_rss_mb" in result else ""))
    print(f"catalog: releases={full['releases']} translations={full['translations']} episodes={full['episodes']} "
          f"db_mb={full['db_mb']:.0f}; incremental new episodes={incr['episodes_new']} announced={incr['announced']}")
    print(f"data dir: {data}" + (" (profiles in profile-*.txt)" if args.profile else ""))


if __name__ == "__main__":
    main()

"""Memory of long work: does the serving process give back what imports, exports, reports and the sync used?

A real ``run.py`` serves a data dir holding a synced catalog (a fake Kodik of --items items,
served by a thread of this process), an owner with a MyAnimeList-sized list, and a few months
of watch events rolled up for the analytics reports. Every kind of long work is then done
against it over HTTP, first once to warm up (first calls import their libraries, e.g. the
XLSX writer, and fill caches that are meant to stay), then --repeats times, reading the
server's ``VmRSS`` (and ``VmHWM``, the peak) from ``/proc/<pid>/status`` before and after
each call:

* ``mal import``     — POST /api/v1/import/mal, --entries entries (every synced release plus
                       unmatched ids, long notes), applied (the first run creates the entries);
* ``mal import dry`` — the same file as a preview (dry_run=true);
* ``mal export``     — GET /api/v1/export/mal;
* ``json export``    — GET /api/v1/export/json;
* ``report csv/xlsx/pdf`` — GET /api/v1/analytics/reports/views (a year by day) and /top;
* ``sync``           — the kodik-full-sync job started from the admin Jobs page (signed in
                       through the real form), polled until it ends: a full re-walk of the
                       catalog through the server's own job thread.

The household archive is written by the CLI, not by the server: ``household export`` runs
``ops.household.export_household`` --repeats times in a process of its own and reports that
process's RSS the same way.

``hostile_import_rows()`` is issue 14's measurement (the same hostile MyAnimeList files as
tests/library/test_import_memory.py — 700k distinct tag names, a gzip bomb, 100k levels, an
8 MB tag, 10,001 entries — each alone then four at once): the peak RSS growth of the server.

Callable from other scripts::

    from bench.long_work_memory_bench import measure, hostile_import_rows
    rows = measure(items=6000, repeats=3)  # list of dicts, one per call (see ROW_KEYS)
    hostile = hostile_import_rows()        # list of dicts: before/peak/growth per hostile case

Run: python3 bench/long_work_memory_bench.py [--items 6000] [--entries 10000] [--repeats 3]
     [--skip-hostile] [--json]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench password 123"
ROW_KEYS = ("work", "run", "status", "seconds", "rss_before_mb", "rss_after_mb", "delta_mb", "peak_mb")
QUIET_SCHEDULES = {name: "" for name in ("KODIK_FULL_SYNC_SCHEDULE", "BACKUP_SCHEDULE", "LEARN_SCHEDULE",
                                         "HOUSEKEEPING_SCHEDULE", "ANALYTICS_ROLLUP_SCHEDULE")}
QUIET_INTERVALS = {"SYNC_INTERVAL_MINUTES": "0", "POSTER_FETCH_INTERVAL_MINUTES": "0",
                   "INTEGRITY_CHECK_MINUTES": "0", "API_RATE_LIMIT": "0"}


def status_kb(pid: int) -> dict[str, int]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines) if k in ("VmRSS", "VmHWM")}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the household ----------------------------------------------------------------------------

def prepare(data: Path, kodik_url: str, entries: int, seed: int = 1) -> dict:
    """Sync the catalog, add the owner (with tokens) and a season of watch events, roll them up."""
    from tests.conftest import make_app

    from anihome.accounts import tokens
    from anihome.accounts.users import create_user
    from anihome.analytics import rollup
    from anihome.db import close_all
    from anihome.kodik import sync
    from anihome.kodik.client import KodikClient

    app = make_app(data, TESTING=False, SECRET_KEY="")
    database = app.extensions["anihome.db"]
    with app.app_context(), database.connection_context():
        owner = create_user("owner", PASSWORD, "owner")
        token = tokens.create(owner, "bench")[0]
        with KodikClient(kodik_url, "fake-kodik-token", max_rps=0) as client:
            report = sync.run_full(client)
    close_all(database)
    rng = random.Random(seed)
    db = sqlite3.connect(data / "data" / "anihome.db")
    pairs = db.execute("SELECT t.release_id, t.id FROM translation t ORDER BY t.id").fetchall()
    shiki = [s for (s,) in db.execute("SELECT shikimori_id FROM release WHERE shikimori_id IS NOT NULL")]
    end = datetime.utcnow().replace(microsecond=0)
    events = []
    for _ in range(60_000):
        release, translation = rng.choice(pairs)
        started = end - timedelta(days=rng.randint(0, 364), minutes=rng.randint(0, 1439))
        events.append((1, release, translation, 1, rng.randint(1, 12), started, started + timedelta(minutes=24),
                       1400.0, 1440.0, rng.random() < 0.8))
    with db:
        db.executemany("INSERT INTO watch_event (user_id, release_id, translation_id, season, number, started_at,"
                       " ended_at, position, duration, completed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(*e[:5], str(e[5]), str(e[6]), *e[7:]) for e in events])
    db.close()
    with app.app_context(), database.connection_context():
        rollup.run(app.config["TIMEZONE"], full=True)
    close_all(database)
    return {"token": token, "mal": mal_file(shiki, entries, rng), "releases": len(shiki), "items": report.items}


def mal_file(shiki_ids: list[str], entries: int, rng: random.Random) -> bytes:
    """A MyAnimeList export: every synced release, then unknown ids, with scores and notes."""
    ids = list(shiki_ids) + [str(9_000_000 + i) for i in range(max(0, entries - len(shiki_ids)))]
    statuses = ("Watching", "Completed", "On-Hold", "Dropped", "Plan to Watch")
    rows = [f"<anime><series_animedb_id>{sid}</series_animedb_id><series_title>Title {sid}</series_title>"
            f"<my_watched_episodes>{rng.randint(0, 12)}</my_watched_episodes><my_score>{rng.randint(0, 10)}"
            f"</my_score><my_status>{rng.choice(statuses)}</my_status><my_comments>"
            f"{'Заметка о сериале. ' * rng.randint(0, 20)}</my_comments></anime>" for sid in ids[:entries]]
    return gzip.compress(("<myanimelist>" + "".join(rows) + "</myanimelist>").encode(), 6)


# --- the server ---------------------------------------------------------------------------------

@contextmanager
def serving(data: Path, kodik_url: str, extra_env: dict | None = None):
    """run.py on a free port over ``data``; yields (port, pid)."""
    import requests

    port = _free_port()
    env = dict(os.environ, ANIHOME_DATA_DIR=str(data / "data"), ANIHOME_PORT=str(port), ANIHOME_HOST="127.0.0.1",
               ANIHOME_THREADS="4", ANIHOME_KODIK_URL=kodik_url, ANIHOME_KODIK_TOKEN="fake-kodik-token",
               ANIHOME_KODIK_MAX_RPS="0", ANIHOME_LOG_LEVEL="WARNING",
               **{f"ANIHOME_{k}": v for k, v in {**QUIET_SCHEDULES, **QUIET_INTERVALS}.items()},
               **(extra_env or {}))
    proc = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5)
                break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("run.py did not start") from None
                time.sleep(0.2)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(30)


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')


def _csrf(session, url: str) -> str:
    match = _CSRF.search(session.get(url, timeout=60).text)
    if not match:
        raise SystemExit(f"no CSRF token on {url}")
    return match.group(1) or match.group(2)


def signed_in(port: int):
    """A requests session signed in as the owner through the real login form."""
    import requests

    session = requests.Session()
    base = f"http://127.0.0.1:{port}"
    answer = session.post(f"{base}/login", data={"csrf_token": _csrf(session, f"{base}/login"),
                                                 "username": "owner", "password": PASSWORD},
                          allow_redirects=False, timeout=60)
    if answer.status_code != 302:
        raise SystemExit(f"sign-in failed: {answer.status_code}")
    return session


def run_sync_job(session, port: int, token: str, job: str = "kodik-full-sync") -> int:
    """Start ``job`` from the admin Jobs page and wait until its run ends; the HTTP-ish status."""
    base = f"http://127.0.0.1:{port}"
    answer = session.post(f"{base}/admin/jobs/{job}/run", data={"csrf_token": _csrf(session, f"{base}/admin/jobs/")},
                          allow_redirects=False, timeout=60)
    run_id = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    while True:
        run = session.get(f"{base}/api/v1/admin/jobs/runs/{run_id}", timeout=60,
                          headers={"Authorization": f"Bearer {token}"}).json()
        if run["status"] != "running":
            return 200 if run["status"] == "succeeded" else 500
        time.sleep(0.25)


def works(port: int, token: str, mal: bytes, session) -> dict:
    """Each kind of long work as a callable returning an HTTP status."""
    import requests

    base = f"http://127.0.0.1:{port}/api/v1"
    auth = {"Authorization": f"Bearer {token}"}
    today = date.today()
    year = f"from={today - timedelta(days=364)}&to={today}"

    def get(path):
        return lambda: requests.get(base + path, headers=auth, timeout=600).status_code

    def post_mal(dry: bool):
        return lambda: requests.post(f"{base}/import/mal?dry_run={'true' if dry else 'false'}", data=mal,
                                     headers={**auth, "Content-Type": "application/gzip"}, timeout=600).status_code

    return {
        "mal import": post_mal(False),
        "mal import dry": post_mal(True),
        "mal export": get("/export/mal"),
        "json export": get("/export/json"),
        "report csv": get(f"/analytics/reports/views?format=csv&group=day&{year}"),
        "report xlsx": get(f"/analytics/reports/views?format=xlsx&group=day&{year}"),
        "report pdf": get(f"/analytics/reports/top?format=pdf&limit=100&{year}"),
        "sync": lambda: run_sync_job(session, port, token),
    }


def _settle(pid: int, seconds: float = 1.0) -> int:
    """VmRSS once the answer's thread has let go (a short pause), in kB."""
    time.sleep(seconds)
    return status_kb(pid)["VmRSS"]


def measure_works(port: int, pid: int, calls: dict, repeats: int) -> list[dict]:
    rows = []
    for name, call in calls.items():
        for run in range(repeats + 1):  # run 0 warms up
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
            before = _settle(pid, 0.3)
            started = time.perf_counter()
            code = call()
            seconds = time.perf_counter() - started
            after = _settle(pid)
            rows.append({"work": name, "run": run, "status": code, "seconds": round(seconds, 2),
                         "rss_before_mb": round(before / 1024, 1), "rss_after_mb": round(after / 1024, 1),
                         "delta_mb": round((after - before) / 1024, 1),
                         "peak_mb": round(status_kb(pid)["VmHWM"] / 1024, 1)})
    return rows


def role_household(data: str, repeats: int) -> list[dict]:
    """Household archive exports in this process (as the CLI runs them)."""
    from tests.conftest import make_app

    from anihome.ops.household import export_household

    app = make_app(Path(data), TESTING=False, SECRET_KEY="")
    rows = []
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        for run in range(repeats + 1):
            Path("/proc/self/clear_refs").write_text("5")
            before = status_kb(os.getpid())["VmRSS"]
            started = time.perf_counter()
            with tempfile.TemporaryDirectory() as scratch:
                summary = export_household(app.config["ANIHOME_SETTINGS"], Path(scratch) / "house.zip")
            seconds = time.perf_counter() - started
            now = status_kb(os.getpid())
            rows.append({"work": "household export (CLI process)", "run": run, "status": 200 if summary.size else 500,
                         "seconds": round(seconds, 2), "rss_before_mb": round(before / 1024, 1),
                         "rss_after_mb": round(now["VmRSS"] / 1024, 1),
                         "delta_mb": round((now["VmRSS"] - before) / 1024, 1), "peak_mb": round(now["VmHWM"] / 1024, 1)})
    return rows


def measure(items: int = 6000, entries: int = 10_000, repeats: int = 3, seed: int = 1,
            extra_env: dict | None = None) -> list[dict]:
    """Rows (ROW_KEYS) for every kind of long work: run 0 warms up, runs 1..repeats are measured."""
    from anihome.kodik.fake.server import FakeKodik

    with tempfile.TemporaryDirectory(prefix="anihome-longwork-") as scratch:
        data = Path(scratch)
        fake = FakeKodik(items=items, seed=seed)
        url = fake.start()
        try:
            house = prepare(data, url, entries, seed)
            with serving(data, url, extra_env) as (port, pid):
                session = signed_in(port)
                rows = measure_works(port, pid, works(port, house["token"], house["mal"], session), repeats)
        finally:
            fake.stop()
        out = subprocess.run([sys.executable, __file__, "--role", "household", "--data", str(data),
                              "--repeats", str(repeats)], cwd=ROOT, capture_output=True, text=True, check=True)
        rows += json.loads(out.stdout.strip().splitlines()[-1])
    return rows


def hostile_import_rows(extra_env: dict | None = None) -> list[dict]:
    """Issue 14: peak RSS growth of the server over hostile MyAnimeList imports (alone, then four at once)."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    from tests.library.test_import_memory import _hostile

    hostile = _hostile()
    with tempfile.TemporaryDirectory(prefix="anihome-hostile-") as scratch:
        data = Path(scratch)
        from tests.conftest import make_app

        from anihome.accounts import tokens
        from anihome.accounts.users import create_user
        from anihome.db import close_all

        app = make_app(data, TESTING=False, SECRET_KEY="")
        with app.app_context(), app.extensions["anihome.db"].connection_context():
            token = tokens.create(create_user("owner", PASSWORD, "owner"), "bench")[0]
        close_all(app.extensions["anihome.db"])
        with serving(data, "http://127.0.0.1:9", extra_env) as (port, pid):
            url = f"http://127.0.0.1:{port}/api/v1/import/mal?dry_run=true"
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/gzip"}

            def send(payload: bytes) -> int:
                return requests.post(url, data=payload, headers=headers, timeout=600).status_code

            for payload in (hostile["700k distinct tags"], hostile["an 8 MB tag"][:4096]):  # warm up
                send(payload)
            rows = []
            cases = [(name, [payload]) for name, payload in hostile.items()]
            cases.append(("four at once", [hostile[n] for n in ("700k distinct tags", "1 GB of spaces",
                                                                 "10,001 entries", "an 8 MB tag")]))
            for name, payloads in cases:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
                before = status_kb(pid)["VmRSS"]
                started = time.perf_counter()
                with ThreadPoolExecutor(len(payloads)) as pool:
                    codes = sorted(pool.map(send, payloads))
                now = status_kb(pid)
                after = _settle(pid)
                rows.append({"case": name, "status": ",".join(map(str, codes)),
                             "seconds": round(time.perf_counter() - started, 2),
                             "rss_before_mb": round(before / 1024, 1), "peak_mb": round(now["VmHWM"] / 1024, 1),
                             "growth_mb": round((now["VmHWM"] - before) / 1024, 1),
                             "rss_after_mb": round(after / 1024, 1)})
    return rows


def _table(rows: list[dict], keys) -> str:
    lines = [" | ".join(keys)]
    lines += [" | ".join(str(row.get(k, "")) for k in keys) for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", default="main", choices=("main", "household"))
    parser.add_argument("--data")
    parser.add_argument("--items", type=int, default=6000)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-hostile", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the server (e.g. MALLOC_ARENA_MAX=2); repeatable")
    args = parser.parse_args()
    if args.role == "household":
        print(json.dumps(role_household(args.data, args.repeats)))
        return
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    extra_env = dict(pair.split("=", 1) for pair in args.env)
    rows = measure(args.items, args.entries, args.repeats, extra_env=extra_env)
    hostile = [] if args.skip_hostile else hostile_import_rows(extra_env)
    if args.json:
        print(json.dumps({"long_work": rows, "hostile_import": hostile}))
        return
    print(_table(rows, ROW_KEYS))
    by_work: dict[str, list[dict]] = {}
    for row in rows:
        by_work.setdefault(row["work"], []).append(row)
    print("\nwork | RSS before first call | after warm-up | after last repeat | steady growth (last - warm) | max peak")
    for work, runs in by_work.items():
        warm, last = runs[0], runs[-1]
        print(f"{work} | {warm['rss_before_mb']} | {warm['rss_after_mb']} | {last['rss_after_mb']} | "
              f"{round(last['rss_after_mb'] - warm['rss_after_mb'], 1)} | {max(r['peak_mb'] for r in runs)}")
    if hostile:
        print()
        print(_table(hostile, ("case", "status", "seconds", "rss_before_mb", "peak_mb", "growth_mb", "rss_after_mb")))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""PostgreSQL next to SQLite in the same run: sync, search, browse, progress saves under a sync.

For each engine, in its own process (so each starts cold and neither's caches help the other):

1. full sync of the fake Kodik (``--items``, served by a separate process) into an empty,
   migrated database: items per second;
2. search: the service uncached over a pool of queries made from synced titles (median,
   p95), and ``GET /api/v1/search`` repeating one query (the response cache answers);
3. browse: ``queries.browse`` uncached over filter combinations, and ``GET /api/v1/releases``
   repeating one (cached);
4. progress saves (``library.progress.save``) one after another while a full sync of a
   changed catalog runs in another thread of the same process, as the scheduler runs it
   next to the web server: median, p99 and max latency, and the sync's items/s meanwhile.

SQLite: a fresh data dir. PostgreSQL: a fresh database on the server of ``--pg`` (an admin
URL: postgresql://user@host:port/postgres), dropped afterwards; the server is on the same
machine (loopback), so neither engine pays a network hop.

Run: python3 bench/postgres_bench.py --pg postgresql://postgres@127.0.0.1:5432/postgres [--items 20000]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FILTERS = [{}, {"kind": "tv"}, {"sort": "rating"}, {"sort": "year", "kind": "movie"}, {"genre": "komediya"},
           {"status": "ongoing", "sort": "popularity"}, {"year_from": "2010", "year_to": "2015"},
           {"min_rating": "8", "sort": "rating"}, {"translation_type": "subtitles"}, {"page": "5"}]


def _ms(times: list[float]) -> dict:
    times = sorted(t * 1000 for t in times)

    def pick(q: float) -> float:
        return times[min(len(times) - 1, int(q * len(times)))]

    return {"median": round(statistics.median(times), 2), "p95": round(pick(0.95), 2), "p99": round(pick(0.99), 2),
            "max": round(times[-1], 2), "n": len(times)}


def role_fake(args) -> None:
    from anihome.kodik.fake.server import FakeKodik

    fake = FakeKodik(items=args.items, seed=args.seed)
    if args.touch:
        fake.touch(args.touch)
    url = fake.bind()
    fake.catalog.order("updated_at")
    print(url, flush=True)
    fake.serve()


def _start_fake(items: int, seed: int, touch: int = 0) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, __file__, "--role", "fake", "--items", str(items), "--seed", str(seed),
                             "--touch", str(touch)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline().strip()


def role_engine(args) -> dict:
    from anihome import create_app
    from anihome.accounts import tokens
    from anihome.accounts.users import create_user
    from anihome.catalog import queries, search
    from anihome.catalog.params import parse_browse
    from anihome.kodik import sync
    from anihome.kodik.client import KodikClient
    from anihome.library import progress
    from anihome.library.episodes import EpisodeRef
    from anihome.models import Episode, Release
    from anihome.serving.startup import prepare_database

    settings = {"DATA_DIR": str(Path(args.data) / "data"), "SECRET_KEY": "bench", "TESTING": True, "API_RATE_LIMIT": 0}
    if args.url:
        settings["DATABASE_URL"] = args.url
    app = create_app(settings)
    prepare_database(app)
    database = app.extensions["anihome.db"]
    out = {}
    with app.app_context(), database.connection_context():
        times = []  # the floor every query pays: one round trip (a context switch for PostgreSQL)
        for _ in range(200):
            t0 = time.perf_counter()
            database.execute_sql("SELECT 1").fetchone()
            times.append(time.perf_counter() - t0)
        out["select_1"] = _ms(times)
        client = KodikClient(args.fake, "fake-kodik-token", max_rps=0)
        started = time.perf_counter()
        report = sync.run_full(client)
        seconds = time.perf_counter() - started
        out["sync"] = {"items": report.items, "seconds": round(seconds, 1), "items_per_s": round(report.items / seconds),
                       "releases": Release.select().count()}
        owner = create_user("owner", "bench-password-123", "owner", None)
        token, _row = tokens.create(owner, "bench")
        titles = [t for (t,) in Release.select(Release.title).order_by(Release.id).limit(4000).tuples()]
        words = [w for t in titles[::40] for w in t.split() if len(w) >= 4][:60]
        pool = words[:40] + [t[:12] for t in titles[5::200]][:20]
        search.search(pool[0], None)  # warm
        times = []
        for query in pool:
            t0 = time.perf_counter()
            search.search(query, None)
            times.append(time.perf_counter() - t0)
        out["search_uncached"] = _ms(times)
        times = []
        for combo in FILTERS * 3:
            params = parse_browse(combo)
            t0 = time.perf_counter()
            queries.browse(params, None)
            times.append(time.perf_counter() - t0)
        out["browse_uncached"] = _ms(times)
        episodes = list(Episode.select().order_by(Episode.id).limit(200))
    database.close()

    http = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for name, path in (("search_cached", f"/api/v1/search?q={pool[1]}"), ("browse_cached", "/api/v1/releases?sort=rating")):
        first = http.get(path, headers=headers)
        assert first.status_code == 200, (path, first.status_code, first.get_data(as_text=True)[:300])
        times = []
        for _ in range(200):
            t0 = time.perf_counter()
            http.get(path, headers=headers)
            times.append(time.perf_counter() - t0)
        out[name] = _ms(times)

    # progress saves while a full sync of a changed catalog runs in another thread
    done = threading.Event()
    sync_report = {}

    def background_sync():
        with app.app_context(), database.connection_context():
            client = KodikClient(args.fake2, "fake-kodik-token", max_rps=0)
            t0 = time.perf_counter()
            report = sync.run_full(client)
            sync_report.update(items=report.items, seconds=round(time.perf_counter() - t0, 1))
        done.set()

    thread = threading.Thread(target=background_sync)
    thread.start()
    times, errors = [], 0
    with app.app_context(), database.connection_context():
        refs = []
        for episode in episodes:
            translation = episode.translation
            refs.append(EpisodeRef(translation.release_id, translation.id, episode.season, episode.number,
                                   episode.id, False))
    i = 0
    while not done.is_set():
        ref = refs[i % len(refs)]
        i += 1
        t0 = time.perf_counter()
        try:
            with app.app_context(), database.connection_context():
                progress.save(owner.id, ref, 60 + i % 600, 1400)
        except Exception:  # noqa: BLE001 - counted: a lock timeout would land here
            errors += 1
        times.append(time.perf_counter() - t0)
        time.sleep(0.02)  # a household's players save every few seconds; 50/s is many members
    thread.join()
    out["saves_under_sync"] = {**_ms(times), "errors": errors}
    out["sync_during_saves"] = {**sync_report, "items_per_s": round(sync_report["items"] / sync_report["seconds"])}
    from anihome.db import close_all

    close_all(database)
    return out


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}"


def _admin(url: str, sql: str) -> str:
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0] if cursor.description else ""
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", default="main")
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--touch", type=int, default=0)
    parser.add_argument("--pg", default=os.environ.get("ANIHOME_TEST_DATABASE_URL", ""))
    parser.add_argument("--url", default="")
    parser.add_argument("--data", default="")
    parser.add_argument("--fake", default="")
    parser.add_argument("--fake2", default="")
    args = parser.parse_args()
    if args.role == "fake":
        role_fake(args)
        return
    if args.role == "engine":
        print(json.dumps(role_engine(args)))
        return
    if not args.pg:
        parser.error("--pg postgresql://user@host:port/postgres (or ANIHOME_TEST_DATABASE_URL) is needed")
    fake, url = _start_fake(args.items, args.seed)
    fake2, url2 = _start_fake(args.items, args.seed, touch=args.items // 10)
    name = f"anihome_bench_{os.getpid()}"
    pg_url = args.pg.rsplit("/", 1)[0] + "/" + name
    results = {"machine": _machine(), "items": args.items,
               "postgres": _admin(args.pg, "SHOW server_version")}
    try:
        for engine, engine_url in (("sqlite", ""), ("postgresql", pg_url)):
            if engine_url:
                _admin(args.pg, f'CREATE DATABASE "{name}"')
            with tempfile.TemporaryDirectory() as data:
                done = subprocess.run([sys.executable, __file__, "--role", "engine", "--url", engine_url, "--data", data,
                                       "--fake", url, "--fake2", url2], cwd=ROOT, capture_output=True, text=True)
                if done.returncode != 0:
                    sys.exit(done.stderr)
                results[engine] = json.loads(done.stdout.strip().splitlines()[-1])
            print(engine, json.dumps(results[engine]), flush=True)
    finally:
        fake.terminate()
        fake2.terminate()
        _admin(args.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

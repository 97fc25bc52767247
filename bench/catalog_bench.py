"""Catalog serving speed on a large synced catalog, against a hello-world Flask baseline.

1. sync   — a fake Kodik with --items items, synced with ``run_full`` into a fresh data dir
            (bench/sync_bench.py roles), unless --data points at an already synced one;
2. setup  — a member with an API token and a session cookie, query pools drawn from the
            catalog's own titles, and EXPLAIN QUERY PLAN of the main queries; then the
            uncached service time of search, autocomplete and browse over those pools;
3. serve  — the AniHome app under waitress (THREADS setting, 4), pinned to CPU 0;
            the load generator (wrk when installed, else a small Python one) on CPU 1,
            8 connections, --seconds per endpoint after a warm-up pass;
4. hello  — in the same run, a hello-world Flask app under the same waitress settings and pin.

Endpoints: /api/v1/releases page 1, /api/v1/releases/<id>, /api/v1/search and
/api/v1/autocomplete (the same query, cached, and a pool of distinct queries, mostly
uncached), the HTML browse page (default, and a pool of filter combinations).
Run: python3 bench/catalog_bench.py [--items 340000] [--data DIR] [--seconds 8]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SYNC_BENCH = ROOT / "bench" / "sync_bench.py"
SERVER_CPU, CLIENT_CPU = 0, 1
WAITRESS_THREADS = 4
API_RATE_LIMIT = 10**9  # the limiter still counts every call; it just never refuses one


# --- phase 1: a synced catalog --------------------------------------------------------------

def synced_data_dir(items: int, seed: int, data: str | None) -> tuple[str, dict]:
    """A data dir holding a synced catalog (reused when --data already has one)."""
    if data and Path(data, "data", "anihome.db").exists():
        return data, {"reused": True}
    data = data or tempfile.mkdtemp(prefix="anihome-catalogbench-")
    from anihome.kodik.fake.server import FakeKodik

    fake = FakeKodik(items=items, seed=seed)  # served by a thread of this process
    url = fake.start()
    try:
        out = subprocess.run([sys.executable, str(SYNC_BENCH), "--role", "sync", "--url", url, "--data", data,
                              "--mode", "full"], cwd=ROOT, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"sync failed:\n{out.stderr[-3000:]}")
    finally:
        fake.stop()
    return data, json.loads(out.stdout.strip().splitlines()[-1])


# --- phase 2: members, cookies, query pools, plans ------------------------------------------

def role_setup(args) -> dict:
    from tests.conftest import make_app

    from anihome.accounts import tokens
    from anihome.accounts.users import create_user
    from anihome.catalog.params import parse_browse
    from anihome.catalog.queries import SORTS, filtered
    from anihome.catalog.text import normalize
    from anihome.db import database
    from anihome.models import Genre, Release, Studio, User
    from anihome.security.login import session_id_for

    app = make_app(Path(args.data), TESTING=False)
    rng = random.Random(7)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        user = User.get_or_none(User.username == "bench") or create_user("bench", "bench password 123", "owner")
        token, _ = tokens.create(user, "bench")
        releases = Release.select().where(Release.available == True).count()  # noqa: E712
        top = Release.select(Release.id).order_by(Release.popularity.desc()).first().id
        titles = [t for (t,) in Release.select(Release.title_orig).order_by(Release.id).tuples()]
        titles += [t for (t,) in Release.select(Release.title).order_by(Release.id).tuples()]
        words = [w for t in rng.sample(titles, min(4000, len(titles))) for w in normalize(t).split() if len(w) >= 3]
        searches = sorted({w[:rng.randint(3, min(8, len(w)))] for w in words})
        rng.shuffle(searches)
        shorts = sorted({w[:rng.randint(1, 2)] for w in words})
        one_query = max(searches[:200], key=len)
        genres = [g for (g,) in Genre.select(Genre.slug).tuples()]
        studios = [s for (s,) in Studio.select(Studio.slug).tuples()]
        browse = []
        for _ in range(3000):
            args_ = {"sort": rng.choice(list(SORTS))}
            if rng.random() < .5 and genres:
                args_["genre"] = rng.choice(genres)
            if rng.random() < .3:
                args_["kind"] = rng.choice(["tv", "movie", "ova", "ona", "special"])
            if rng.random() < .2 and studios:
                args_["studio"] = rng.choice(studios)
            if rng.random() < .2:
                args_["year_from"] = rng.randint(1990, 2024)
            if rng.random() < .2:
                args_["min_rating"] = rng.choice([6, 7, 7.5, 8])
            args_["page"] = rng.choice([1, 1, 1, 2, 3])
            browse.append("/browse?" + urlencode(args_))
        plans = {}
        for name, query in (("browse default", filtered(parse_browse({}), None).order_by(*SORTS["updated"]).limit(24)),
                            ("browse genre+rating", filtered(parse_browse({"genre": genres[0] if genres else "x"}), 16)
                             .order_by(*SORTS["rating"]).limit(24)),
                            ("browse studio+year", filtered(parse_browse({"studio": studios[0] if studios else "x",
                                                                          "year_from": "2010"}), None)
                             .order_by(*SORTS["popularity"]).limit(24))):
            sql, params = query.sql()
            plans[name] = [row[-1] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id_for(user)
            session["_fresh"] = True
        cookie = client.get_cookie("anihome_session")
    return {"releases": releases, "token": token, "cookie": f"anihome_session={cookie.value}", "top": top,
            "search_pool": ["/api/v1/search?q=" + quote(q) for q in searches],
            "autocomplete_pool": ["/api/v1/autocomplete?q=" + quote(q) for q in shorts + searches],
            "one_query": one_query, "browse_pool": browse, "plans": plans}


# --- phase 2b: uncached service time, in-process -----------------------------------------

def _percentiles(times: list[float]) -> str:
    times = sorted(times)
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
    return f"n={len(times)} p50 {pick(.5):.2f} ms, p90 {pick(.9):.2f} ms, p99 {pick(.99):.2f} ms"


def role_service(args) -> None:
    """Time the catalog services themselves on every query of the pools, with no cache:
    search, autocomplete, and a browse page (count + page), without and with an age cap."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    from tests.conftest import make_app

    from anihome.catalog import queries, search
    from anihome.catalog.params import parse_browse

    _pin(SERVER_CPU)
    setup = json.loads(Path(args.setup).read_text())
    searches = [unquote(path.split("q=", 1)[1]) for path in setup["search_pool"]]
    suggests = [unquote(path.split("q=", 1)[1]) for path in setup["autocomplete_pool"]]
    browses = [parse_browse(dict(parse_qsl(urlsplit(path).query))) for path in setup["browse_pool"][:500]]
    app = make_app(Path(args.data), TESTING=False)

    def timed(call, items):
        times = []
        for item in items:
            started = time.perf_counter()
            call(item)
            times.append((time.perf_counter() - started) * 1000)
        return _percentiles(times)

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        for cap in (None, 16):
            timed(lambda q, cap=cap: search.search(q, cap), searches[:20])  # warm the page cache
            print(f"service, cap {cap}: search {timed(lambda q, cap=cap: search.search(q, cap), searches)}")
            print(f"service, cap {cap}: autocomplete {timed(lambda q, cap=cap: search.autocomplete(q, cap), suggests)}")
            print(f"service, cap {cap}: browse page (count + page) "
                  f"{timed(lambda p, cap=cap: queries.browse(p, cap), browses)}")


# --- phase 3 and 4: servers pinned to one core ----------------------------------------------

def _pin(cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and cpu < os.cpu_count():
        os.sched_setaffinity(0, {cpu})


def role_serve(args) -> None:
    import logging

    from waitress import create_server

    _pin(SERVER_CPU)
    # Both servers alike: waitress's "Task queue depth" warnings would otherwise go to stderr.
    logging.getLogger("waitress").setLevel(logging.ERROR)
    if args.which == "hello":
        from flask import Flask

        app = Flask("hello")

        @app.get("/hello")
        def hello():
            return "Hello, World!"
    else:
        from tests.conftest import make_app

        app = make_app(Path(args.data), TESTING=False, API_RATE_LIMIT=API_RATE_LIMIT)
    server = create_server(app, host="127.0.0.1", port=0, threads=WAITRESS_THREADS)
    print(server.effective_port, flush=True)
    server.run()


def _start_server(which: str, data: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, __file__, "--role", "serve", "--which", which, "--data", data],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    return proc, int(proc.stdout.readline())


# --- load generation --------------------------------------------------------------------------

_WRK_LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def _wrk(port: int, paths: list[str], headers: dict, seconds: int, connections: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp, "paths.txt")
        listing.write_text("\n".join(paths) + "\n")
        script = Path(tmp, "paths.lua")
        script.write_text(_WRK_LUA % listing)
        cmd = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", str(script)]
        for key, value in headers.items():
            cmd += ["-H", f"{key}: {value}"]
        cmd.append(f"http://127.0.0.1:{port}/")
        out = subprocess.run(cmd, capture_output=True, text=True, check=True,
                             preexec_fn=lambda: _pin(CLIENT_CPU)).stdout
    def ms(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms("50"), "p99": ms("99"),
            "non2xx": int(errors.group(1)) if errors else 0, "tool": "wrk"}


def _pyload(port: int, paths: list[str], headers: dict, seconds: int, connections: int) -> dict:
    _pin(CLIENT_CPU)
    latencies, bad, stop = [], [0], time.perf_counter() + seconds
    counter = iter(range(10**12))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while time.perf_counter() < stop:
            path = paths[next(counter) % len(paths)]
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status >= 400:
                bad[0] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    return {"rps": len(latencies) / seconds, "p50": pick(.5), "p99": pick(.99), "non2xx": bad[0], "tool": "python"}


def load(port, paths, headers, seconds, connections) -> dict:
    runner = _wrk if shutil.which("wrk") else _pyload
    return runner(port, paths, headers, seconds, connections)


def _warm(port: int, paths: list[str], headers: dict) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for path in paths:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"warm-up: {path} answered {response.status}")
    conn.close()


# --- main -------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", default="main", choices=("main", "setup", "service", "serve"))
    parser.add_argument("--setup", help=argparse.SUPPRESS)
    parser.add_argument("--which", default="app")
    parser.add_argument("--items", type=int, default=340_000, help="Kodik items to sync (about 3 per release)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", help="data dir to sync into, or an already synced one to reuse")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if args.role == "setup":
        print(json.dumps(role_setup(args)))
        return
    if args.role == "serve":
        role_serve(args)
        return
    if args.role == "service":
        role_service(args)
        return

    started = time.perf_counter()
    data, synced = synced_data_dir(args.items, args.seed, args.data)
    print(f"catalog: {json.dumps(synced)} in {time.perf_counter() - started:.0f} s; data dir {data}", flush=True)
    setup = json.loads(subprocess.run([sys.executable, __file__, "--role", "setup", "--data", data], cwd=ROOT,
                                      check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    print(f"releases available: {setup['releases']}")
    for name, plan in setup["plans"].items():
        print(f"plan of the portable (non-SQLite) query, {name}: " + " | ".join(plan))
    with tempfile.NamedTemporaryFile("w", suffix=".json") as saved:
        json.dump(setup, saved)
        saved.flush()
        subprocess.run([sys.executable, __file__, "--role", "service", "--data", data, "--setup", saved.name],
                       cwd=ROOT, check=True)
    api = {"Authorization": f"Bearer {setup['token']}"}
    html = {"Cookie": setup["cookie"]}
    q = quote(setup["one_query"])
    cases = [
        ("GET /api/v1/releases (page 1)", ["/api/v1/releases"], api, True),
        ("GET /api/v1/releases/<id>", [f"/api/v1/releases/{setup['top']}"], api, True),
        ("GET /api/v1/search (one query, cached)", [f"/api/v1/search?q={q}"], api, True),
        ("GET /api/v1/autocomplete (one query, cached)", [f"/api/v1/autocomplete?q={q[:12]}"], api, True),
        ("GET /api/v1/search (distinct queries)", setup["search_pool"], api, False),
        ("GET /api/v1/autocomplete (distinct, 1-8 chars)", setup["autocomplete_pool"], api, False),
        ("GET /browse HTML (default)", ["/browse"], html, True),
        ("GET /browse HTML (filter mix)", setup["browse_pool"], html, False),
    ]
    results = []
    proc, port = _start_server("app", data)
    try:
        for name, paths, headers, warm in cases:
            _warm(port, paths if warm else paths[:1], headers)
            results.append((name, load(port, paths, headers, args.seconds, args.connections)))
            print(f"{name:48s} {results[-1][1]}", flush=True)
    finally:
        proc.terminate()
        proc.wait()
    proc, port = _start_server("hello", data)
    try:
        _warm(port, ["/hello"], {})
        hello = load(port, ["/hello"], {}, args.seconds, args.connections)
    finally:
        proc.terminate()
        proc.wait()
    print(f"{'hello-world Flask (baseline)':48s} {hello}")
    print()
    print("| endpoint | req/s | % of hello-world | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in [*results, ("hello-world Flask, same waitress settings", hello)]:
        print(f"| {name} | {r['rps']:.0f} | {100 * r['rps'] / hello['rps']:.0f}% | {r['p50']:.2f} | "
              f"{r['p99']:.2f} | {r['non2xx']} |")
    print(f"\nload generator: {hello['tool']}, {args.connections} connections, {args.seconds} s per row; "
          f"server pinned to CPU {SERVER_CPU}, client to CPU {CLIENT_CPU}; waitress threads={WAITRESS_THREADS}")


if __name__ == "__main__":
    main()

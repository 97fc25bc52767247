"""Issue 17's serving table in one run: member pages and API answers against a hello-world
Flask baseline, the serving process's memory under distinct and mixed load, and where that
memory goes.

1. catalog — a fake Kodik with --items items synced with ``run_full`` (bench/catalog_bench.py's
             phase 1; about 1,000 releases by default), unless --data holds a synced one;
2. setup   — an owner, a member ``bench`` with a password, an API token, query pools;
3. serve   — the AniHome app under waitress (THREADS default, 4) pinned to CPU 0, with one
             bench-only route that reports its memory (RSS, SQLite's allocator, the cache);
             the member signs in through the real /login form over HTTP (the cookie a
             browser would hold, CSRF token included); the load generator (wrk when
             installed, else a small Python one; the report says which) on CPU 1;
4. rows    — cached /api/v1/releases, /api/v1/releases/<id>, HTML /browse, /releases/<id>
             and / (signed in), --seconds each with --connections connections; then
             --distinct-seconds of distinct searches and filter mixes (RSS after), then
             --mixed-seconds of everything mixed with --mixed-connections (RSS sampled);
5. hello   — a hello-world Flask app under the same waitress settings and pin;
6. memory  — a fresh process: RSS of the bare interpreter, after imports and create_app,
             after compiling every template; SQLite's own allocator per pooled connection;
7. cpu     — a fresh process: CPU time of one request through the WSGI app for hello-world
             and each cached row (no server, no network), which holds up better than req/s
             on a shared machine.

The full-sync row (issue 17 item 3) and memory after long work (item 4) are measured by
bench/sync_bench.py and the long-work bench of that work, not here.

Run: python3 bench/serving_bench.py [--items 3400] [--data DIR] [--seconds 8]
"""
from __future__ import annotations

import argparse
import ctypes
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
sys.path.insert(0, str(ROOT / "bench"))

import catalog_bench  # noqa: E402  (phase 1, pinning, wrk and the Python load generator)

SERVER_CPU, CLIENT_CPU = catalog_bench.SERVER_CPU, catalog_bench.CLIENT_CPU
PASSWORD = "bench password 123"


def _status_mb(key: str, pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _sqlite_bytes() -> int:
    """Bytes SQLite's allocator holds in this process (page caches, schemas, statements)."""
    try:
        lib = ctypes.CDLL("libsqlite3.so.0")
    except OSError:
        return -1
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    return int(lib.sqlite3_memory_used())


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]


def _malloc_mb() -> dict:
    """glibc malloc: bytes in use and free-but-kept over all arenas (MB); {} without glibc 2.33+."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = _MallInfo2
    except (OSError, AttributeError):
        return {}
    info = libc.mallinfo2()
    return {"in_use": (info.uordblks + info.hblkhd) / 2**20, "free": info.fordblks / 2**20}


def _make_app(data: str, **overrides):
    """The app as run.py builds it (no test helpers imported: pytest alone adds ~10 MB),
    malloc tuned as ``serving.server.run_server`` tunes it."""
    from anihome import create_app
    from anihome.config import load_settings
    from anihome.ops.memory import tune_malloc
    from anihome.serving.startup import prepare_database

    tune_malloc(load_settings({"DATA_DIR": str(Path(data) / "data"), **overrides}))
    app = create_app({"DATA_DIR": str(Path(data) / "data"), **overrides})
    prepare_database(app)
    return app


# --- setup ----------------------------------------------------------------------------------

def role_setup(args) -> dict:
    from tests.conftest import make_app

    from anihome.accounts import tokens
    from anihome.accounts.users import create_user
    from anihome.catalog.queries import SORTS
    from anihome.catalog.text import normalize
    from anihome.models import Genre, Release, User

    app = make_app(Path(args.data), TESTING=False)
    rng = random.Random(17)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        if User.get_or_none(User.username == "boss") is None:
            create_user("boss", PASSWORD, "owner")
        user = User.get_or_none(User.username == "bench") or create_user("bench", PASSWORD, "member")
        token, _ = tokens.create(user, "bench")
        releases = Release.select().where(Release.available == True).count()  # noqa: E712
        top = Release.select(Release.id).where(Release.available == True).order_by(  # noqa: E712
            Release.popularity.desc()).first().id
        titles = [t for (t,) in Release.select(Release.title).tuples()]
        titles += [t for (t,) in Release.select(Release.title_orig).tuples()]
        words = sorted({w for t in titles for w in normalize(t or "").split() if len(w) >= 3})
        rng.shuffle(words)
        searches = sorted({w[:rng.randint(3, min(8, len(w)))] for w in words})
        rng.shuffle(searches)
        genres = [g for (g,) in Genre.select(Genre.slug).tuples()]
        mixes = []
        for _ in range(4000):
            query = {"sort": rng.choice(list(SORTS))}
            if genres and rng.random() < .6:
                query["genre"] = rng.choice(genres)
            if rng.random() < .4:
                query["kind"] = rng.choice(["tv", "movie", "ova", "ona", "special"])
            if rng.random() < .4:
                query["year_from"] = rng.randint(1990, 2024)
            if rng.random() < .3:
                query["min_rating"] = rng.choice([6, 7, 7.5, 8])
            query["page"] = rng.choice([1, 1, 2, 3])
            mixes.append("/browse?" + urlencode(query))
    return {"releases": releases, "token": token, "top": top,
            "search_pool": ["/api/v1/search?q=" + quote(q) for q in searches],
            "browse_pool": sorted(set(mixes))}


# --- the server -----------------------------------------------------------------------------

def role_serve(args) -> None:
    import logging

    from waitress import create_server

    catalog_bench._pin(SERVER_CPU)
    logging.getLogger("waitress").setLevel(logging.ERROR)
    if args.which == "hello":
        from flask import Flask

        app = Flask("hello")

        @app.get("/hello")
        def hello():
            return "Hello, World!"
    else:
        from anihome.serving.lean_imports import hide_unused_modules

        hide_unused_modules({"DATA_DIR": str(Path(args.data) / "data")})  # first, as run_server does
        from flask import jsonify

        from anihome.cache import get_cache
        from anihome.security.access import access

        app = _make_app(args.data, API_RATE_LIMIT=catalog_bench.API_RATE_LIMIT)

        @access("public")
        def bench_memory():  # bench only: what this process holds, read between load phases
            from flask import request

            from anihome.ops.memory import _malloc_trim

            trim_ms = None
            if request.args.get("trim"):  # what one more malloc_trim(0) gives back, and what it costs
                started = time.perf_counter()
                _malloc_trim()
                trim_ms = (time.perf_counter() - started) * 1000
            pool = app.extensions["anihome.db"]
            return jsonify({"rss_mb": _status_mb("VmRSS"), "hwm_mb": _status_mb("VmHWM"), "malloc": _malloc_mb(),
                            "trim_ms": trim_ms, "sqlite_bytes": _sqlite_bytes(), "cache": get_cache(app).stats(),
                            "connections": len(getattr(pool, "_connections", ())) + len(getattr(pool, "_in_use", {})),
                            "templates": len(app.jinja_env.cache or {})})

        app.add_url_rule("/__bench/memory", "bench_memory", bench_memory)
    if args.which != "hello":  # as serving.startup.serve does
        from anihome.ops.memory import start_trimming

        start_trimming(app.config["MALLOC_TRIM_SECONDS"])
    server = create_server(app, host="127.0.0.1", port=0, threads=catalog_bench.WAITRESS_THREADS)
    print(server.effective_port, flush=True)
    server.run()


def _start(which: str, data: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, __file__, "--role", "serve", "--which", which, "--data", data],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    return proc, int(proc.stdout.readline())


def _get_json(port: int, path: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", path)
    body = conn.getresponse().read()
    conn.close()
    return json.loads(body)


def sign_in(port: int, username: str) -> str:
    """The member's cookie after the real /login form, as a browser would hold it after a page."""
    jar: dict[str, str] = {}

    def request(method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                jar[key] = rest.split(";", 1)[0]
        conn.close()
        return response.status, text

    _, page = request("GET", "/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    status, _ = request("POST", "/login", urlencode({"csrf_token": csrf, "username": username, "password": PASSWORD}))
    if status != 302:
        raise SystemExit(f"sign-in answered {status}")
    request("GET", "/")  # the page a browser lands on
    return "; ".join(f"{k}={v}" for k, v in jar.items() if k == "anihome_session")


# --- the memory breakdown (a fresh process) ---------------------------------------------------

def role_memory(args) -> None:
    started = _status_mb("VmRSS")
    from anihome.serving.lean_imports import hide_unused_modules

    hide_unused_modules({"DATA_DIR": str(Path(args.data) / "data")})  # as run_server does
    import flask  # noqa: F401
    import waitress  # noqa: F401

    from anihome import create_app
    from anihome.cache import get_cache
    from anihome.serving.startup import prepare_database

    imported = _status_mb("VmRSS")
    app = create_app({"DATA_DIR": str(Path(args.data) / "data")})
    created = _status_mb("VmRSS")
    prepare_database(app)
    prepared = _status_mb("VmRSS")
    env = app.jinja_env
    names = env.list_templates(extensions=["html"])
    for name in names:
        env.get_template(name)
    templates = _status_mb("VmRSS")
    setup = json.loads(Path(args.setup).read_text())
    from anihome.models import User
    from anihome.security.login import session_id_for

    client = app.test_client()
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        key = session_id_for(User.get(User.username == "bench"))
    with client.session_transaction() as session:
        session["_user_id"] = key
    sqlite_before = _sqlite_bytes()
    for path in setup["browse_pool"][:300] + [f"/releases/{setup['top']}", "/"]:
        client.get(path)
    print(json.dumps({"bare_mb": started, "imports_mb": imported - started, "create_app_mb": created - imported,
                      "prepare_database_mb": prepared - created, "templates_mb": templates - prepared,
                      "templates": len(names), "after_300_pages_mb": _status_mb("VmRSS"),
                      "sqlite_one_connection_mb": (_sqlite_bytes() - sqlite_before) / 2**20,
                      "cache_mb": get_cache(app).stats()["bytes"] / 2**20}))


# --- in-process CPU time per request (holds up better than req/s on a shared machine) -------

def role_cpu(args) -> None:
    """CPU time of one request through the WSGI app, no server, no network: hello-world and
    each cached row (the member signed in with a cookie from a real page, as in the load run)."""
    from flask import Flask
    from werkzeug.test import EnvironBuilder

    catalog_bench._pin(SERVER_CPU)
    setup = json.loads(Path(args.setup).read_text())
    hello = Flask("hello")
    hello.add_url_rule("/hello", "hello", lambda: "Hello, World!")
    app = _make_app(args.data, API_RATE_LIMIT=catalog_bench.API_RATE_LIMIT)
    from anihome.models import User
    from anihome.security.login import session_id_for

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        key = session_id_for(User.get(User.username == "bench"))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = False
    client.get("/")  # the CSRF token joins the session, as in a browser
    cookie = "anihome_session=" + client.get_cookie("anihome_session").value

    def per_request(wsgi, path, headers, n=400) -> float:
        environ = EnvironBuilder(path=path, headers=headers).get_environ()
        for _ in range(50):
            b"".join(wsgi(dict(environ), lambda *a: None))
        started = time.process_time()
        for _ in range(n):
            b"".join(wsgi(dict(environ), lambda *a: None))
        return (time.process_time() - started) / n * 1e6

    base = per_request(hello, "/hello", {})
    api = {"Authorization": f"Bearer {setup['token']}"}
    rows = {"hello-world Flask": base}
    for name, path, headers in (("/api/v1/releases", "/api/v1/releases", api),
                                ("/api/v1/releases/<id>", f"/api/v1/releases/{setup['top']}", api),
                                ("/browse", "/browse", {"Cookie": cookie}),
                                ("/releases/<id>", f"/releases/{setup['top']}", {"Cookie": cookie}),
                                ("/ (home)", "/", {"Cookie": cookie})):
        rows[name] = per_request(app, path, headers)
    fast = app.extensions["anihome.fast_pages"]  # the same pages through Flask (web/page_fast.py off)
    fast.enabled = False
    for name, path in (("/browse", "/browse"), ("/releases/<id>", f"/releases/{setup['top']}"), ("/ (home)", "/")):
        rows[name + " (Flask path)"] = per_request(app, path, {"Cookie": cookie})
    fast.enabled = True
    print(json.dumps(rows))


# --- main -------------------------------------------------------------------------------------

def _row(port, name, paths, headers, seconds, connections, warm=True) -> tuple[str, dict]:
    catalog_bench._warm(port, paths if warm else paths[:1], headers)
    result = catalog_bench.load(port, paths, headers, seconds, connections)
    print(f"{name:52s} {result}", flush=True)
    return name, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", default="main", choices=("main", "setup", "serve", "memory", "cpu"))
    parser.add_argument("--which", default="app")
    parser.add_argument("--setup", help=argparse.SUPPRESS)
    parser.add_argument("--items", type=int, default=3400, help="Kodik items to sync (about 3 per release)")
    parser.add_argument("--data", help="data dir to sync into, or an already synced one to reuse")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--distinct-seconds", type=int, default=25)
    parser.add_argument("--mixed-seconds", type=int, default=60)
    parser.add_argument("--mixed-connections", type=int, default=32)
    args = parser.parse_args()
    if args.role == "setup":
        print(json.dumps(role_setup(args)))
        return
    if args.role == "serve":
        role_serve(args)
        return
    if args.role == "memory":
        role_memory(args)
        return
    if args.role == "cpu":
        role_cpu(args)
        return

    data, synced = catalog_bench.synced_data_dir(args.items, 1, args.data)
    print(f"catalog: {json.dumps(synced)}; data dir {data}", flush=True)
    setup = json.loads(subprocess.run([sys.executable, __file__, "--role", "setup", "--data", data], cwd=ROOT,
                                      check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    print(f"releases available: {setup['releases']}; {len(setup['search_pool'])} distinct searches, "
          f"{len(setup['browse_pool'])} filter mixes", flush=True)
    api = {"Authorization": f"Bearer {setup['token']}"}
    results, memory = [], {}
    proc, port = _start("app", data)
    try:
        html = {"Cookie": sign_in(port, "bench")}
        both = {**api, **html}
        memory["signed in, idle"] = _get_json(port, "/__bench/memory")
        top = setup["top"]
        for name, paths, headers in (
                ("GET /api/v1/releases (cached)", ["/api/v1/releases"], api),
                ("GET /api/v1/releases/<id> (cached)", [f"/api/v1/releases/{top}"], api),
                ("GET /browse HTML, signed in (cached)", ["/browse"], html),
                ("GET /releases/<id> HTML, signed in (cached)", [f"/releases/{top}"], html),
                ("GET / home HTML, signed in (cached)", ["/"], html)):
            results.append(_row(port, name, paths, headers, args.seconds, args.connections))
        memory["after the cached rows"] = _get_json(port, "/__bench/memory")
        distinct = [p for pair in zip(setup["search_pool"] * 8, setup["browse_pool"] * 2) for p in pair]
        results.append(_row(port, f"distinct searches + filter mixes ({args.distinct_seconds} s)", distinct, both,
                            args.distinct_seconds, args.connections, warm=False))
        memory["after distinct searches and filter mixes"] = _get_json(port, "/__bench/memory")
        mixed = [p for group in zip(setup["browse_pool"], setup["search_pool"] * 8) for p in group]
        mixed = [p for i, p in enumerate(mixed) for p in ([p, "/", f"/releases/{top}", "/api/v1/releases"]
                                                          if i % 5 == 0 else [p])]
        samples, stop = [], threading.Event()

        def sample():
            while not stop.wait(5):
                samples.append(round(_status_mb("VmRSS", proc.pid), 1))

        sampler = threading.Thread(target=sample)
        sampler.start()
        before = _status_mb("VmRSS", proc.pid)
        try:
            results.append(_row(port, f"mixed load, {args.mixed_connections} connections ({args.mixed_seconds} s)",
                                mixed, both, args.mixed_seconds, args.mixed_connections, warm=False))
        finally:
            stop.set()
            sampler.join()
        memory["after mixed load"] = _get_json(port, "/__bench/memory")
        memory["then malloc_trim(0)"] = _get_json(port, "/__bench/memory?trim=1")
        memory["mixed load RSS samples (every 5 s)"] = [round(before, 1), *samples]
    finally:
        proc.terminate()
        proc.wait()
    proc, port = _start("hello", data)
    try:
        hello = _row(port, "hello-world Flask (baseline)", ["/hello"], {}, args.seconds, args.connections)[1]
    finally:
        proc.terminate()
        proc.wait()
    with tempfile.NamedTemporaryFile("w", suffix=".json") as saved:
        json.dump(setup, saved)
        saved.flush()
        breakdown = json.loads(subprocess.run([sys.executable, __file__, "--role", "memory", "--data", data,
                                               "--setup", saved.name], cwd=ROOT, check=True, capture_output=True,
                                              text=True).stdout.strip().splitlines()[-1])
        cpu = json.loads(subprocess.run([sys.executable, __file__, "--role", "cpu", "--data", data,
                                         "--setup", saved.name], cwd=ROOT, check=True, capture_output=True,
                                        text=True).stdout.strip().splitlines()[-1])

    print("\n| measure | req/s | % of hello-world | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in [*results, ("hello-world Flask, same waitress settings", hello)]:
        print(f"| {name} | {r['rps']:.0f} | {100 * r['rps'] / hello['rps']:.0f}% | {r['p50']:.2f} | "
              f"{r['p99']:.2f} | {r['non2xx']} |")
    print("\n| serving process | RSS MB | peak MB | cache entries | cache MB (budget) | hit ratio | evictions | "
          "SQLite allocator MB | pooled connections | malloc in use / free MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, m in memory.items():
        if isinstance(m, list):
            continue
        c = m["cache"]
        print(f"| {name} | {m['rss_mb']:.1f} | {m['hwm_mb']:.1f} | {c['entries']} | {c['bytes'] / 2**20:.1f} "
              f"({c['max_bytes'] / 2**20:.0f}) | {c['hit_ratio']:.2f} | {c['evictions']} | "
              f"{m['sqlite_bytes'] / 2**20:.1f} | {m['connections']} | "
              f"{m['malloc'].get('in_use', 0):.1f} / {m['malloc'].get('free', 0):.1f} |")
    print("\n| in-process, one request (CPU time, no server) | µs | hello-world ÷ this |")
    print("|---|---:|---:|")
    for name, micros in cpu.items():
        print(f"| {name} | {micros:.0f} | {100 * cpu['hello-world Flask'] / micros:.0f}% |")
    print(f"\none malloc_trim(0) after the mixed load took {memory['then malloc_trim(0)']['trim_ms']:.1f} ms")
    print(f"\nmixed load RSS samples, MB: {memory['mixed load RSS samples (every 5 s)']}")
    print(f"\nmemory breakdown (a fresh process): {json.dumps(breakdown)}")
    tool = hello["tool"]
    print(f"\nload generator: {tool}{' (' + shutil.which('wrk') + ')' if tool == 'wrk' else ''}; "
          f"{args.connections} connections, {args.seconds} s per cached row; server pinned to CPU {SERVER_CPU}, "
          f"load generator to CPU {CLIENT_CPU}; waitress threads={catalog_bench.WAITRESS_THREADS}; "
          f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

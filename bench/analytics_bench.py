"""Analytics on a generated household year: 8 members, 1,000,000 events.

1. generate — a fresh data dir (migrated), 3,000 releases with genres and studios, two dubs
              each, 8 members, 600,000 watch events and 400,000 view events spread over the
              365 days before --end, plus progress and list rows; bulk inserts (executemany).
2. rollup   — the roll-up from scratch, in a child process pinned to one CPU; then one more
              day of events (1/365 of the year) and the incremental roll-up of it.
3. pages    — in-process, uncached (the cache, fragments included, cleared before each call,
              after one warm-up request that compiles the templates): the dashboard and the
              statistics page through the test client, and their services alone; p50/p99.
              Then cached: CPU time of one request through the WSGI app (no server), the
              owner's cookie as a browser holds it after its first page, for the dashboard,
              the statistics page, /browse, home and a release, with the fast path for cached pages
              (web/page_fast.py) on and off, against hello-world Flask in the same process.
4. reports  — the year's XLSX and PDF reports (views by day, top 100, cohorts by week), each
              timed alone in-process (a PDF includes its child process).
5. serve    — the app under waitress (pinned to CPU 0, load on CPU 1, 8 connections): the
              cached dashboard and statistics pages against a hello-world Flask app in the same
              run (bench/catalog_bench.py's servers and load generator); then RSS of the serving
              process before and after making the XLSX and PDF reports over HTTP (the API
              answers the file), and after asking for them on the reports page (the
              analytics-reports job makes them; timed from the form's POST to "made").
Run: python3 bench/analytics_bench.py [--data DIR] [--seconds 5] [--skip-serve]
     (on an existing --data: --pages-only, --cached-only, --serve-pages-only)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MEMBERS, RELEASES, WATCH_EVENTS, VIEW_EVENTS = 8, 3000, 600_000, 400_000
TZ = "Europe/Moscow"
END = datetime(2026, 11, 1, 0, 0)


def _app(data: str, **overrides):
    from tests.conftest import make_app

    return make_app(Path(data), TIMEZONE=TZ, **overrides)


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _stamp(days: list[str], day: int, minute: int, second: int = 0) -> str:
    day += minute // 1440
    minute %= 1440
    return f"{days[day]} {minute // 60:02d}:{minute % 60:02d}:{second:02d}"


def _spread(count: int, days: int) -> list[int]:
    """How many rows each day gets so that they add up to ``count`` exactly."""
    base, extra = divmod(count, days)
    return [base + (1 if d < extra else 0) for d in range(days)]


def _events(rng, users, translations, start, days, count):
    """(user, release, translation, season, number, started, ended, position, duration, completed),
    built from strings (no datetime arithmetic per row: a million rows in seconds)."""
    names = [(start + timedelta(days=d)).strftime("%Y-%m-%d") for d in range(days + 1)]
    rows = []
    choice, randrange, pareto = rng.choice, rng.randrange, rng.paretovariate
    n = len(translations)
    for day, per_day in enumerate(_spread(count, days)):
        for _ in range(per_day):
            release, translation = translations[int(pareto(1.2)) % n]
            begun = randrange(1440) if randrange(3) == 0 else 1080 + randrange(300)
            minutes = choice((3, 10, 24, 24, 24, 24))
            rows.append((choice(users), release, translation, 1, randrange(1, 13), _stamp(names, day, begun),
                         _stamp(names, day, begun + minutes), minutes * 60.0, 1440.0, int(minutes >= 24)))
    return rows


def _views(rng, users, translations, start, days, count):
    names = [(start + timedelta(days=d)).strftime("%Y-%m-%d") for d in range(days + 1)]
    rows = []
    choice, randrange, pareto = rng.choice, rng.randrange, rng.paretovariate
    n = len(translations)
    for day, per_day in enumerate(_spread(count, days)):
        for _ in range(per_day):
            release, translation = translations[int(pareto(1.2)) % n]
            kind = "episode" if randrange(2) else "release"
            rows.append((choice(users), release, translation if kind == "episode" else None, kind,
                         _stamp(names, day, randrange(1440), randrange(60))))
    return rows


def generate(data: str, seed: int = 1) -> dict:
    """Build the household year with bulk inserts; returns counts and seconds."""
    started = time.perf_counter()
    app = _app(data)
    from anihome.db import close_all

    close_all(app.extensions["anihome.db"])
    rng = random.Random(seed)
    db = sqlite3.connect(Path(data, "data", "anihome.db"))
    db.execute("PRAGMA synchronous=OFF")
    now = _ts(END)
    with db:
        db.executemany('INSERT INTO "user" (username, username_key, password_hash, role, age_cap, is_active,'
                       " created_at) VALUES (?, ?, 'x', ?, ?, 1, ?)",
                       [(f"m{i}", f"m{i}", "owner" if i == 0 else "member", 12 if i == 7 else None, now)
                        for i in range(MEMBERS)])
        db.executemany("INSERT INTO genre (name, slug) VALUES (?, ?)", [(f"Жанр {i}", f"g{i}") for i in range(20)])
        db.executemany("INSERT INTO studio (name, slug) VALUES (?, ?)", [(f"Studio {i}", f"s{i}") for i in range(100)])
        db.executemany('INSERT INTO "release" (key, title, sort_title, other_titles, franchise, kind, status,'
                       " description, poster_url, episodes_total, votes, rating_mpaa, age_limit, popularity,"
                       " available, first_seen_at, kodik_updated_at, updated_at, title_orig, title_en)"
                       " VALUES (?, ?, ?, '[]', '', 'tv', 'released', '', '', 12, 0, '', ?, 0, 1, ?, ?, ?, '', '')",
                       [(f"shiki:{i}", f"Тайтл номер {i}", f"тайтл {i}", rng.choice((6, 12, 16, 18)), now, now, now)
                        for i in range(1, RELEASES + 1)])
        db.executemany("INSERT INTO release_genre (release_id, genre_id) VALUES (?, ?)",
                       [(r, g) for r in range(1, RELEASES + 1) for g in {1 + r % 20, 1 + (r * 7) % 20}])
        db.executemany("INSERT INTO release_studio (release_id, studio_id) VALUES (?, ?)",
                       [(r, 1 + r % 100) for r in range(1, RELEASES + 1)])
        db.executemany("INSERT INTO translation (kodik_id, release_id, kodik_type, team_id, team, voice, quality,"
                       " link, blocked_seasons, blocked_countries, camrip, available, kodik_created_at,"
                       " kodik_updated_at, synced_at) VALUES (?, ?, 'anime-serial', ?, ?, 1, '', '//k', '{}',"
                       " '[]', 0, 1, ?, ?, ?)",
                       [(f"serial-{r}-{t}", r, t, f"Dub team {t}", now, now, now)
                        for r in range(1, RELEASES + 1) for t in (r % 30, 30 + r % 7)])
    translations = [(tid, rid) for tid, rid in db.execute("SELECT id, release_id FROM translation")]
    translations = [(rid, tid) for tid, rid in translations]
    users = list(range(1, MEMBERS + 1))
    start = END - timedelta(days=365)
    events = _events(rng, users, translations, start, 365, WATCH_EVENTS)
    views = _views(rng, users, translations, start, 365, VIEW_EVENTS)
    with db:
        db.executemany("INSERT INTO watch_event (user_id, release_id, translation_id, season, number, started_at,"
                       " ended_at, position, duration, completed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
        db.executemany("INSERT INTO analytics_view (user_id, release_id, translation_id, kind, at)"
                       " VALUES (?, ?, ?, ?, ?)", views)
        progress = {}
        for user, release, translation, season, number, _s, ended, _p, _d, done in events:
            progress[(user, release, season, number)] = (translation, done, ended)
        db.executemany("INSERT INTO watch_progress (user_id, release_id, translation_id, season, number, position,"
                       " duration, watched, watched_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, 1440, ?, ?, ?)",
                       [(u, r, t, s, n, d, e if d else None, e) for (u, r, s, n), (t, d, e) in progress.items()])
        pairs = {(u, r) for (u, r, _s, _n) in progress}
        db.executemany("INSERT INTO list_entry (user_id, release_id, status, score, rewatch_count, episodes_watched,"
                       " manual, notes, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0, 0, '', ?, ?)",
                       [(u, r, rng.choice(("watching", "completed", "dropped")), rng.choice((None, 6, 7, 8, 9)),
                         now, now) for u, r in sorted(pairs)])
    db.close()
    return {"seconds": round(time.perf_counter() - started, 1), "watch_events": len(events),
            "view_events": len(views), "progress_rows": len(progress), "list_entries": len(pairs)}


def _pin(cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and cpu < os.cpu_count():
        os.sched_setaffinity(0, {cpu})


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def role_rollup(data: str) -> dict:
    """In a child pinned to one CPU: the roll-up from scratch, then one new day incrementally."""
    _pin(0)
    app = _app(data)

    from anihome.analytics import rollup

    rng = random.Random(2)
    out = {}
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        t, c = time.perf_counter(), time.process_time()
        result = rollup.run(TZ, full=True, now=END)
        out["scratch_seconds"] = round(time.perf_counter() - t, 2)
        out["scratch_cpu_seconds"] = round(time.process_time() - c, 2)
        out["scratch_days"] = result.days
        from anihome.models import DailyMemberRelease, DailyMember
        out["rows_member_release"] = DailyMemberRelease.select().count()
        out["rows_member"] = DailyMember.select().count()
        translations = [(r, t) for t, r in app.extensions["anihome.db"].execute_sql(
            "SELECT id, release_id FROM translation").fetchall()]
        db = sqlite3.connect(Path(data, "data", "anihome.db"))
        with db:
            db.executemany("INSERT INTO watch_event (user_id, release_id, translation_id, season, number,"
                           " started_at, ended_at, position, duration, completed) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                           " ?, ?)", _events(rng, list(range(1, MEMBERS + 1)), translations, END, 1,
                                             WATCH_EVENTS // 365))
            db.executemany("INSERT INTO analytics_view (user_id, release_id, translation_id, kind, at)"
                           " VALUES (?, ?, ?, ?, ?)", _views(rng, list(range(1, MEMBERS + 1)), translations, END,
                                                             1, VIEW_EVENTS // 365))
        db.close()
        t, c = time.perf_counter(), time.process_time()
        result = rollup.run(TZ, now=END + timedelta(days=1))
        out["incremental_seconds"] = round(time.perf_counter() - t, 3)
        out["incremental_cpu_seconds"] = round(time.process_time() - c, 3)
        out["incremental_days"] = result.days
    out["child_vm_hwm_mb"] = round(int([line for line in Path("/proc/self/status").read_text().splitlines()
                                        if line.startswith("VmHWM")][0].split()[1]) / 1024, 1)

    return out


def _percentiles(times: list[float], cpu: list[float] | None = None) -> dict:
    """Wall-clock p50/p99, and the same for this process's CPU time per call (on a shared,
    busy machine the CPU time is the closer estimate of the time on an idle core)."""
    def pick(values, q):
        values = sorted(values)
        return round(values[min(len(values) - 1, int(q * len(values)))], 2)
    out = {"p50_ms": round(statistics.median(times), 2), "p99_ms": pick(times, 0.99), "n": len(times)}
    if cpu:
        out.update({"cpu_p50_ms": round(statistics.median(cpu), 2), "cpu_p99_ms": pick(cpu, 0.99)})
    return out


def browser_cookie(app, client, user) -> str:
    """The owner's session cookie as a browser holds it after its first pages: signed in, its
    CSRF token in the session, flask-login's freshness settled (a forged session without them
    re-signs the cookie on every answer, work no browser causes)."""
    from anihome.security.login import session_id_for

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        key = session_id_for(user)
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = False
    client.get("/me/stats")
    client.get("/me/stats")
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    return f"{cookie.key}={cookie.value}"


def cached_cpu(data: str, n: int = 2000) -> dict:
    """CPU time (µs) of one cached request through the WSGI app, no server and no network:
    hello-world Flask, then the cached pages with the fast path on and off (best of 3 rounds)."""
    from flask import Flask
    from werkzeug.test import EnvironBuilder

    app = _app(data, TESTING=False)
    client = app.test_client()
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        from anihome.models import User

        owner = User.get_by_id(1)
    cookie = browser_cookie(app, client, owner)
    hello = Flask("hello")
    hello.add_url_rule("/hello", "hello", lambda: "Hello, World!")

    def per_request(wsgi, path, headers) -> float:
        environ = EnvironBuilder(path=path, headers=headers).get_environ()
        for _ in range(100):
            b"".join(wsgi(dict(environ), lambda *a: None))
        rounds = []
        for _ in range(3):
            started = time.process_time()
            for _ in range(n):
                b"".join(wsgi(dict(environ), lambda *a: None))
            rounds.append((time.process_time() - started) / n * 1e6)
        return round(min(rounds), 1)

    today = END.date() - timedelta(days=1)
    urls = {"dashboard": f"/admin/analytics/?from={today - timedelta(days=29)}&to={today}",
            "stats": "/me/stats", "browse": "/browse", "home": "/", "release": "/releases/1"}
    fast = app.extensions["anihome.fast_pages"]
    out = {"hello_us": per_request(hello, "/hello", {})}
    for name, url in urls.items():
        for enabled in (True, False):
            fast.enabled = enabled
            out[f"{name}_{'fast' if enabled else 'flask'}_us"] = per_request(app, url, {"Cookie": cookie})
    fast.enabled = True
    out["fast_path_answers"] = fast.hits
    return out


def pages(data: str, repeat: int) -> dict:
    """Uncached dashboard and statistics pages (test client) and their services alone."""

    from anihome.analytics import completion, dashboard, member_stats
    from anihome.cache import get_cache
    from anihome.security.login import session_id_for

    app = _app(data, TESTING=False)
    cache = get_cache(app)
    client = app.test_client()
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        from anihome.models import User

        owner = User.get_by_id(1)
        member = User.get_by_id(2)
        with client.session_transaction() as session:
            session["_user_id"] = session_id_for(owner)
    out = {}
    today = END.date() - timedelta(days=1)
    urls = {"dashboard": f"/admin/analytics/?from={today - timedelta(days=29)}&to={today}",
            "dashboard_year": f"/admin/analytics/?from={today - timedelta(days=364)}&to={today}",
            "stats": "/me/stats", "cohorts": f"/admin/analytics/cohorts?from={today - timedelta(days=83)}&to={today}"}
    for name, url in urls.items():
        times, cpu = [], []
        client.get(url)  # compiles the templates once (a server does that once per process)
        for _ in range(repeat):
            cache.clear()
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        out[name] = _percentiles(times, cpu)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        start = today - timedelta(days=29)
        services = {
            "views_series_30d": lambda: dashboard.views_series(start, today),
            "top_content_30d": lambda: dashboard.top_content(start, today, "members"),
            "completion": lambda: completion.completion(10),
            "member_stats": lambda: member_stats.stats(member.id, today),
        }
        for name, fn in services.items():
            times, cpu = [], []
            for _ in range(repeat):
                t, c = time.perf_counter(), time.process_time()
                fn()
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            out["service_" + name] = _percentiles(times, cpu)
    return out


def reports_inprocess(data: str) -> dict:
    """Each report over the whole year, in each heavy format, timed alone (PDF: with its child)."""
    from anihome.analytics import reports

    app = _app(data)
    out = {"rss_before_mb": round(_rss_mb(), 1)}
    today = END.date()
    args = {"from": str(today - timedelta(days=364)), "to": str(today), "limit": "100", "period": "week"}
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        for name in ("views", "top", "cohorts"):
            report = reports.build(name, args, today)
            for fmt in ("xlsx", "pdf"):
                t = time.perf_counter()
                size = len(reports.render(report, fmt))
                out[f"{name}_{fmt}"] = {"seconds": round(time.perf_counter() - t, 2), "bytes": size,
                                        "rows": len(report.rows), "columns": len(report.columns)}
    out["rss_after_mb"] = round(_rss_mb(), 1)
    return out


def _job_report(port: int, headers: dict, fmt: str, today) -> dict:
    """Ask for a year's views report on the reports page, as a browser would (form + CSRF
    token), and time it until the page lists it as made (polled every 0.1 s)."""
    import http.client
    import re
    from urllib.parse import urlencode

    cookies = dict(part.split("=", 1) for part in headers["Cookie"].split("; "))

    def call(method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        extra = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            extra["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=extra)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for key, value in response.getheaders():
            if key.lower() == "set-cookie":
                name, rest = value.split("=", 1)
                cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, text

    _, page = call("GET", "/admin/analytics/reports")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    started = time.perf_counter()
    status, _ = call("POST", "/admin/analytics/reports", urlencode({
        "csrf_token": token, "name": "views", "format": fmt,
        "from": str(today - timedelta(days=364)), "to": str(today)}))
    asked = time.perf_counter() - started
    while time.perf_counter() - started < 120:
        _, page = call("GET", "/admin/analytics/reports")
        first = re.search(r'<tr id="report-\d+" data-status="(\w+)"', page)
        if first and first.group(1) in ("done", "failed"):
            break
        time.sleep(0.1)
    return {"post_status": status, "answered_s": round(asked, 3), "status": first.group(1) if first else None,
            "seconds": round(time.perf_counter() - started, 2)}


def serve(data: str, seconds: int, reports: bool = True) -> dict:
    """Cached pages against hello-world, and the server's RSS around making reports."""
    import http.client

    from bench import catalog_bench as cb

    app = _app(data)
    client = app.test_client()
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        from anihome.models import User

        owner = User.get_by_id(1)
    headers = {"Cookie": browser_cookie(app, client, owner)}
    out = {}
    hello, port = cb._start_server("hello", data)
    try:
        out["hello"] = cb.load(port, ["/hello"], {}, seconds, 8)
    finally:
        hello.terminate()
        hello.wait()
    server, port = cb._start_server("app", data)
    try:
        today = END.date() - timedelta(days=1)
        pages = {"dashboard": [f"/admin/analytics/?from={today - timedelta(days=29)}&to={today}"],
                 "stats": ["/me/stats"]}
        for name, paths in pages.items():
            cb._warm(port, paths, headers)
            out[name] = cb.load(port, paths, headers, seconds, 8)
        if not reports:
            return out
        status = lambda: {k: v for k, v in  # noqa: E731
                          (line.split(":", 1) for line in Path(f"/proc/{server.pid}/status").read_text().splitlines())
                          if k in ("VmRSS", "VmHWM")}
        out["rss_before_reports"] = status()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for fmt in ("xlsx", "pdf"):
            t = time.perf_counter()
            conn.request("GET", f"/api/v1/analytics/reports/views?format={fmt}&from={today - timedelta(days=364)}"
                                f"&to={today}", headers=headers)
            response = conn.getresponse()
            body = response.read()
            out[f"http_{fmt}"] = {"status": response.status, "bytes": len(body),
                                  "seconds": round(time.perf_counter() - t, 2)}
        out["rss_after_reports"] = status()
        for fmt in ("xlsx", "pdf"):
            out[f"job_{fmt}"] = _job_report(port, headers, fmt, today)
        out["rss_after_job_reports"] = status()
    finally:
        server.terminate()
        server.wait()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", default="main", choices=("main", "rollup"))
    parser.add_argument("--data")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--skip-serve", action="store_true")
    parser.add_argument("--pages-only", action="store_true", help="only phase 3, on an existing --data")
    parser.add_argument("--serve-pages-only", action="store_true",
                        help="only phase 5's cached pages under waitress against hello-world, on an existing --data")
    parser.add_argument("--cached-only", action="store_true",
                        help="only phase 3's cached CPU rows, on an existing --data")
    args = parser.parse_args()
    if args.role == "rollup":
        print(json.dumps(role_rollup(args.data)))
        return
    if args.pages_only:
        print(json.dumps(pages(args.data, args.repeat), indent=2), flush=True)
        print(json.dumps({"cached_cpu": cached_cpu(args.data)}, indent=2))
        return
    if args.serve_pages_only:
        print(json.dumps({"serve": serve(args.data, args.seconds, reports=False)}, indent=2))
        return
    if args.cached_only:
        print(json.dumps({"cached_cpu": cached_cpu(args.data)}, indent=2))
        return
    data = args.data or tempfile.mkdtemp(prefix="anihome-analyticsbench-")
    result = {"machine": f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}", "data": data}
    if not Path(data, "data", "anihome.db").exists() or not args.data:
        result["generate"] = generate(data)
        print(json.dumps(result["generate"]), flush=True)
    child = subprocess.run([sys.executable, __file__, "--role", "rollup", "--data", data], cwd=ROOT,
                           capture_output=True, text=True)
    if child.returncode:
        raise SystemExit(child.stderr[-3000:])
    result["rollup"] = json.loads(child.stdout.strip().splitlines()[-1])
    print(json.dumps(result["rollup"]), flush=True)
    result["pages_uncached"] = pages(data, args.repeat)
    print(json.dumps(result["pages_uncached"]), flush=True)
    result["cached_cpu"] = cached_cpu(data)
    print(json.dumps(result["cached_cpu"]), flush=True)
    result["reports"] = reports_inprocess(data)
    print(json.dumps(result["reports"]), flush=True)
    if not args.skip_serve:
        result["serve"] = serve(data, args.seconds)
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()

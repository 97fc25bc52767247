"""Learning: offline quality of the recommender and the forecaster, and the cost of the nightly run.

1. catalog   — a fake Kodik with --items items synced into a fresh data dir (bench/sync_bench.py);
2. household — descriptions rewritten with a realistic vocabulary (``describe``: the fake Kodik's
               descriptions are two of eight fixed sentences, 144 TF-IDF terms in all), then
               8 members with genre tastes and a year of watching: list entries with scores,
               and --events watch events (bulk inserted), dated over 365 days;
3. quality   — leave-last-out: each member's --holdout last completed titles are hidden and split
               by member into a tuning and an evaluation half (the nightly child's own check,
               anihome.learn.evaluation and .tuning); on the evaluation half, each tuned blend,
               the same blend with its default weights, popularity alone and a random ranker:
               hit rate@10 and NDCG@10, same run, and the tuning's own time (tune_ms);
               the forecaster's rolling-origin backtest (MAE, interval coverage) for both models;
4. nightly   — the ``learn`` job as the server runs it: the child process's wall time and peak
               RSS, and the serving process's RSS before and after it (``served``, with --again:
               the same on a real run.py server warmed up first, the job started by "Run now");
5. serving   — in-process p50/p99 of the recommendations API answer and the tonight planner.
Steps 4 and 5 run before step 3, which imports scikit-learn into the bench process.

Run: python3 bench/learn_bench.py [--items 20000] [--events 200000] [--holdout 5] [--skip-quality] [--keep]
(--skip-quality leaves out step 3, the slowest on a big catalog; --keep keeps the generated data
dir and prints it; --data DIR generates into DIR, a new dir, and keeps it.) Re-run steps 4 and 5
(and 3) alone on a kept dir (a quick re-run on a quiet machine, or the same data with changed code):
python3 bench/learn_bench.py --again DIR [--steps nightly,serving,served,quality] [--holdout 10]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MEMBERS = 8


def synced(items: int, seed: int, into: str | None = None) -> str:
    from anihome.kodik.fake.server import FakeKodik

    if into:
        Path(into).mkdir(parents=True, exist_ok=False)
    data = into or tempfile.mkdtemp(prefix="anihome-learnbench-")
    with FakeKodik(items=items, seed=seed) as fake:
        out = subprocess.run([sys.executable, str(ROOT / "bench" / "sync_bench.py"), "--role", "sync", "--url",
                              fake.base_url, "--data", data, "--mode", "full"], cwd=ROOT, capture_output=True,
                             text=True)
    if out.returncode:
        raise SystemExit(f"sync failed:\n{out.stderr[-3000:]}")
    return data


#: the description vocabulary: word forms ranked by frequency (Zipf), as in real Russian
#: descriptions where a 100k-release catalog has tens of thousands of distinct words
VOCABULARY = 60_000
ZIPF_EXPONENT = 1.0
TOPIC_WORDS = 400       # per genre: words that come up in its titles' descriptions
TOPIC_SHARE = 0.3       # share of a description's words drawn from its genres' topic words
DESCRIPTION_WORDS = (20, 140)
SYLLABLES = ("ка", "ро", "ми", "на", "то", "се", "ли", "ва", "до", "ру", "ша", "ни", "ке", "мо", "за", "пе",
             "ло", "ги", "бу", "ты", "ес", "ар", "ин", "ол", "ум", "ст", "пр", "дев", "кра", "ный")


def describe(seed: int) -> dict:
    """Give every release that has a description a generated one with a realistic vocabulary:
    20-140 words, 70% drawn from a 60,000-word Zipf vocabulary, 30% from topic words of the
    release's genres (so text similarity means something, as it does in real descriptions).
    Deterministic: one seeded stream, releases in id order."""
    from itertools import accumulate

    from anihome.db import write_transaction
    from anihome.models import Release, ReleaseGenre

    rng = random.Random(f"describe:{seed}")
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4, 4, 5)))))
    vocab = sorted(words, key=lambda w: (len(w), w))  # shorter words are the frequent ones
    head = vocab[:VOCABULARY // 100]  # ...but not strictly by length
    rng.shuffle(head)
    vocab[:len(head)] = head
    zipf = list(accumulate(1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(VOCABULARY)))
    topics: dict[int, tuple[list[str], list[float]]] = {}
    by_release: dict[int, list[int]] = {}
    for release_id, genre_id in ReleaseGenre.select(ReleaseGenre.release, ReleaseGenre.genre).tuples():
        by_release.setdefault(release_id, []).append(genre_id)
        if genre_id not in topics:
            topics[genre_id] = (rng.sample(vocab[200:20_000], TOPIC_WORDS), zipf[:TOPIC_WORDS])
    rows, distinct = [], set()
    ids = [rid for (rid,) in Release.select(Release.id).where(Release.description != "").order_by(Release.id)
           .tuples()]
    for rid in ids:
        n = rng.randint(*DESCRIPTION_WORDS)
        genres = sorted(by_release.get(rid, ()))
        topical = round(n * TOPIC_SHARE) if genres else 0
        text = rng.choices(vocab, cum_weights=zipf, k=n - topical)
        for _ in range(topical):
            topic_words, topic_weights = topics[genres[rng.randrange(len(genres))]]
            text.insert(rng.randrange(len(text) + 1), rng.choices(topic_words, cum_weights=topic_weights)[0])
        distinct.update(text)
        sentences = [" ".join(text[i:i + 12]) for i in range(0, len(text), 12)]
        rows.append((". ".join(s.capitalize() for s in sentences) + ".", rid))
    connection = Release._meta.database.connection()
    for start in range(0, len(rows), 5000):
        with write_transaction():
            connection.executemany("UPDATE release SET description = ? WHERE id = ?", rows[start:start + 5000])
    return {"descriptions": len(rows), "distinct_words": len(distinct),
            "mean_words": round(sum(r[0].count(" ") + 1 for r in rows) / max(1, len(rows)), 1)}


def household(events: int, rng: random.Random) -> dict:
    """Members with 2 favourite genres each; what they watched, in order, per member."""
    from anihome.clock import utcnow
    from anihome.db import write_transaction
    from anihome.models import Genre, ListEntry, Release, ReleaseGenre, User, WatchEvent

    now = utcnow()
    genres = [g.id for g in Genre.select()]
    by_genre: dict[int, list[int]] = {}
    for release_id, genre_id in ReleaseGenre.select(ReleaseGenre.release, ReleaseGenre.genre).tuples():
        by_genre.setdefault(genre_id, []).append(release_id)
    popular = [rid for (rid,) in Release.select(Release.id).where(Release.available == True)  # noqa: E712
               .order_by(Release.popularity.desc()).tuples()]
    weight = {rid: 1.0 / (rank + 10) for rank, rid in enumerate(popular)}
    history = {}
    with write_transaction():
        for m in range(MEMBERS):
            user = User.create(username=f"member{m}", username_key=f"member{m}", password_hash="x", role="member",
                               created_at=now)
            tastes = rng.sample([g for g in genres if len(by_genre.get(g, ())) > 30], 2)
            pool = sorted({rid for g in tastes for rid in by_genre[g] if rid in weight})
            titles, seen = [], set()
            while len(titles) < 60:
                source = pool if rng.random() < 0.8 else popular[:3000]
                rid = rng.choices(source, weights=[weight[r] for r in source])[0]
                if rid not in seen:
                    seen.add(rid)
                    titles.append(rid)
            for i, rid in enumerate(titles):
                liked = rid in pool
                status = "completed" if liked or rng.random() < 0.5 else "dropped"
                ListEntry.create(user=user, release=rid, status=status, score=rng.randint(7, 10) if liked else
                                 rng.randint(3, 6), created_at=now - timedelta(days=365 - i * 6),
                                 updated_at=now - timedelta(days=365 - i * 6))
            history[user.id] = [rid for rid in titles]
    rows = []
    users = list(history)
    for n in range(events):
        user = rng.choice(users)
        rid = rng.choice(history[user][:40])
        when = now - timedelta(days=rng.random() * 365)
        rows.append({"user": user, "release": rid, "season": 1, "number": 1 + n % 12, "started_at": when,
                     "ended_at": when + timedelta(minutes=24), "position": 1400, "duration": 1440,
                     "completed": True})
        if len(rows) == 5000:
            with write_transaction():
                WatchEvent.insert_many(rows).execute()
            rows = []
    if rows:
        with write_transaction():
            WatchEvent.insert_many(rows).execute()
    return history


def quality(holdout: int, rng: random.Random) -> dict:
    """Leave-last-out hit rate@10 and NDCG@10 (the nightly child's own check,
    ``anihome.learn.evaluation``): the blends' weights tuned on the tuning half, then, on the
    evaluation half only, the tuned blends, the same blends with their default weights (the
    baseline of the tuning), popularity and a random ranker, same cases; and the tuning's cost."""
    from anihome.learn import data, evaluation, recommender, tuning

    catalog = data.load_catalog()
    vectors = recommender.embed(catalog)
    members, completed = data.load_members(), data.completed_in_order()
    started = time.perf_counter()
    results, chosen = evaluation.evaluate(catalog, vectors, members, completed, recommender.BLENDS, holdout)
    evaluate_ms = round((time.perf_counter() - started) * 1000)
    trimmed, hidden = evaluation.holdout(members, completed, holdout)
    tune_half, check_half = tuning.split(hidden)
    started = time.perf_counter()
    tuning.tune(catalog, vectors, trimmed, tune_half, recommender.BLENDS, evaluation.K)
    tune_ms = round((time.perf_counter() - started) * 1000)
    defaults = evaluation.rank_cases(catalog, vectors, trimmed, check_half,
                                     {f"{name}_default": w for name, w in recommender.BLENDS.items()})
    by_id = {m.id: m for m in trimmed}
    chance = []
    for user_id, targets in check_half.items():
        seen = set(by_id[user_id].weights)
        top = rng.sample([rid for rid in catalog.ids if rid not in seen], evaluation.K)
        chance.extend(evaluation.case_score(top, target) for target in targets)

    def mean(values):
        return round(statistics.mean(values), 3) if values else 0.0

    out = {"tuning_cases": sum(map(len, tune_half.values())), "evaluation_cases": sum(map(len, check_half.values())),
           "evaluate_ms": evaluate_ms, "tune_ms": tune_ms}
    for r in results:
        out[r.ranker] = {"hit_rate@10": round(r.hit_rate, 3), "ndcg@10": round(r.ndcg, 3), "cases": r.cases,
                         "served": r.served, "enough": r.enough, "weights": chosen.get(r.ranker, r.weights),
                         "tuning_ndcg@10": None if r.tuned_ndcg is None else round(r.tuned_ndcg, 3)}
    for name, scores in defaults.items():
        if name != evaluation.POPULARITY:
            out[name] = {"hit_rate@10": mean([h for h, _ in scores]), "ndcg@10": mean([n for _, n in scores]),
                         "cases": len(scores), "weights": recommender.BLENDS[name.split("_")[0]]}
    out["random"] = {"hit_rate@10": mean([h for h, _ in chance]), "ndcg@10": mean([n for _, n in chance]),
                     "cases": len(chance)}
    return out


def forecast_backtest() -> list[dict]:
    from anihome.clock import utcnow
    from anihome.learn import data, forecaster

    now = utcnow()
    views = data.daily_views(now - timedelta(days=forecaster.HISTORY_DAYS + 1))
    _, reports = forecaster.forecast(views, now.date(), data.airing_releases())
    return [{"model": r.model, "mae": round(r.mae, 4) if r.mae is not None else None,
             "coverage": round(r.coverage, 3) if r.coverage is not None else None, "points": r.points,
             "served": r.chosen} for r in reports]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed(fn, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": round(times[len(times) // 2], 2), "p99_ms": round(times[int(len(times) * 0.99) - 1], 2)}


def serving(app, members: list, repeat: int = 200) -> dict:
    """In-process (Flask test client, no network; a member's API token) answers as the server gives them (the cached
    path, as members repeat them), the uncached service calls behind them (the first answer
    after a change), and a baseline: the health endpoint, same run."""
    from anihome.accounts import tokens
    from anihome.learn import recommendations, tonight

    client = app.test_client()
    database = app.extensions["anihome.db"]
    with app.app_context(), database.connection_context():
        plaintext, _ = tokens.create(members[0], "learn bench")
    auth = {"Authorization": f"Bearer {plaintext}"}
    body = {"members": [m.id for m in members[:3]], "minutes": 90}

    def tonight_api():
        answer = client.post("/api/v1/tonight", json=body, headers=auth)
        assert answer.status_code == 200, answer.get_data(as_text=True)

    out = {"baseline_health_api": timed(lambda: client.get("/api/v1/health", headers=auth), repeat),
           "recommendations_api": timed(lambda: client.get("/api/v1/recommendations", headers=auth), repeat),
           "tonight_api_3_members": timed(tonight_api, repeat)}
    with app.app_context(), database.connection_context():
        out["for_member_uncached"] = timed(lambda: recommendations.for_member(members[0], 12), repeat)
        out["tonight_plan_uncached_3_members"] = timed(lambda: tonight.plan(members[:3], 90), repeat)
    return out


def nightly(app) -> dict:
    """The ``learn`` job as the server runs it: the child's wall time and peak RSS, and this
    (serving) process's RSS before and after."""
    from anihome.jobs.runner import run_job

    before = rss_mb()  # before anything imports scikit-learn into this process
    started = time.perf_counter()
    run = run_job(app, "learn")
    return {"status": run.status, "seconds": round(time.perf_counter() - started, 1),
            "child_peak_rss_mb": run.counts_dict.get("peak_rss_mb"),
            "evaluate_ms": run.counts_dict.get("evaluate_ms"),
            "served_as_popularity": run.counts_dict.get("served_as_popularity"),
            "tuning_cases": run.counts_dict.get("tuning_cases"), "serving_rss_before_mb": round(before, 1),
            "serving_rss_after_mb": round(rss_mb(), 1), "error": run.error}


# --- the nightly run through a real server (--again DIR --steps served) ----------------------

QUIET = {"KODIK_FULL_SYNC_SCHEDULE": "", "BACKUP_SCHEDULE": "", "LEARN_SCHEDULE": "", "HOUSEKEEPING_SCHEDULE": "",
         "ANALYTICS_ROLLUP_SCHEDULE": "", "SYNC_INTERVAL_MINUTES": "0", "POSTER_FETCH_INTERVAL_MINUTES": "0",
         "INTEGRITY_CHECK_MINUTES": "0", "API_RATE_LIMIT": "0", "LOG_LEVEL": "WARNING"}
ADMIN, ADMIN_PASSWORD = "learnbench-admin", "learn-bench-password-1"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')


def vm_mb(pid: int, key: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def served(app, members: list, rounds: int = 6) -> dict:
    """The serving process's RSS around a nightly run, measured on a real one: run.py (waitress)
    on this data dir, warmed up by rounds of the learning answers (each member's For you,
    tonight, similar titles) until its RSS is steady, the ``learn`` job started from the
    admin Jobs page ("Run now"), then the same rounds again; VmRSS after each round."""
    import requests

    from anihome.accounts import tokens
    from anihome.accounts.passwords import hash_password
    from anihome.clock import utcnow
    from anihome.db import write_transaction
    from anihome.models import SimilarRelease, User

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        admin = User.get_or_none(User.username == ADMIN)
        if admin is None:  # the household's owner (a generated household has none: setup would answer)
            role = "admin" if User.select().where(User.role == "owner").exists() else "owner"
            with write_transaction():
                admin = User.create(username=ADMIN, username_key=ADMIN, password_hash=hash_password(ADMIN_PASSWORD),
                                    role=role, created_at=utcnow())
        admin_token = tokens.create(admin, "learn bench")[0]
        member_tokens = [tokens.create(m, "learn bench served")[0] for m in members[:4]]
        seeds = [rid for (rid,) in SimilarRelease.select(SimilarRelease.release).distinct()
                 .order_by(SimilarRelease.release).limit(5).tuples()]
    port = _free_port()
    env = dict(os.environ, ANIHOME_DATA_DIR=str(app.config["DATA_DIR"]), ANIHOME_PORT=str(port),
               ANIHOME_HOST="127.0.0.1", **{f"ANIHOME_{k}": v for k, v in QUIET.items()})
    proc = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    tonight = {"members": [m.id for m in members[:3]], "minutes": 90}

    def one_round() -> float:
        signed.get(f"{base}/", timeout=60)  # a page, as the admin
        for token in member_tokens:
            auth = {"Authorization": f"Bearer {token}"}
            assert session.get(f"{base}/api/v1/recommendations", headers=auth, timeout=60).status_code == 200
            assert session.post(f"{base}/api/v1/tonight", json=tonight, headers=auth, timeout=60).status_code == 200
            for rid in seeds:
                session.get(f"{base}/api/v1/releases/{rid}/similar", headers=auth, timeout=60)
        time.sleep(1.0)  # let the answering threads let go
        return vm_mb(proc.pid)

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                session.get(f"{base}/api/v1/health", timeout=5)
                break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("run.py did not start") from None
                time.sleep(0.3)
        signed = requests.Session()
        answer = signed.post(f"{base}/login", allow_redirects=False, timeout=60, data={
            "csrf_token": _csrf(signed, f"{base}/login"), "username": ADMIN, "password": ADMIN_PASSWORD})
        if answer.status_code != 302:
            raise SystemExit(f"sign-in failed: {answer.status_code}")
        before = [one_round() for _ in range(rounds)]
        job_page = _csrf(signed, f"{base}/admin/jobs/")
        started = time.perf_counter()
        answer = signed.post(f"{base}/admin/jobs/learn/run", data={"csrf_token": job_page}, allow_redirects=False,
                             timeout=60)
        run_id = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        during = []
        while True:
            run = session.get(f"{base}/api/v1/admin/jobs/runs/{run_id}", timeout=60,
                              headers={"Authorization": f"Bearer {admin_token}"}).json()
            if run["status"] != "running":
                break
            during.append(vm_mb(proc.pid))
            time.sleep(1.0)
        seconds = time.perf_counter() - started
        time.sleep(1.0)
        right_after = vm_mb(proc.pid)
        after = [one_round() for _ in range(rounds)]
        return {"status": run["status"], "error": run["error"], "job_seconds": round(seconds, 1),
                "child_peak_rss_mb": run["counts"].get("peak_rss_mb"), "rss_rounds_before_mb": before,
                "rss_during_max_mb": max(during, default=None), "rss_right_after_mb": right_after,
                "rss_rounds_after_mb": after, "rss_change_mb": round(after[-1] - before[-1], 1),
                "serving_peak_mb": vm_mb(proc.pid, "VmHWM")}
    finally:
        proc.terminate()
        proc.wait(30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _csrf(session, url: str) -> str:
    match = CSRF.search(session.get(url, timeout=60).text)
    if not match:
        raise SystemExit(f"no CSRF token on {url}")
    return match.group(1) or match.group(2)


def again(data_dir: str, steps: set[str], holdout: int = 5, seed: int = 2026) -> None:
    """Steps 4, 5 and/or 3 (``quality``) on a data dir kept by an earlier --keep run (a quick
    re-run, or the same data measured with changed code)."""
    from tests.conftest import make_app

    from anihome.models import Release, User

    app = make_app(Path(data_dir), TESTING=False, API_RATE_LIMIT=0)
    report = {}
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        report["releases"] = Release.select().where(Release.available == True).count()  # noqa: E712
        members = list(User.select().where(User.username.startswith("member")))
        if "nightly" in steps:
            report["nightly"] = nightly(app)
    if "serving" in steps:
        report["serving"] = serving(app, members)
    if "served" in steps:
        report["served"] = served(app, members)
    if "quality" in steps:
        with app.app_context(), app.extensions["anihome.db"].connection_context():
            report["quality"] = quality(holdout, random.Random(seed))
            report["forecast_backtest"] = forecast_backtest()
    print(json.dumps(report, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--events", type=int, default=200000)
    parser.add_argument("--holdout", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-quality", action="store_true", help="leave out the offline quality step")
    parser.add_argument("--keep", action="store_true", help="keep the generated data dir and print it")
    parser.add_argument("--data", metavar="DIR", help="generate into this (new) dir instead of a temporary one")
    parser.add_argument("--again", metavar="DATA_DIR", help="re-run steps on a data dir kept with --keep")
    parser.add_argument("--steps", default="nightly,serving", help="with --again: nightly, serving, served, quality")
    args = parser.parse_args()
    if args.again:
        again(args.again, set(args.steps.split(",")), args.holdout, args.seed)
        return
    rng = random.Random(args.seed)
    started = time.perf_counter()
    data_dir = synced(args.items, args.seed, args.data)
    sync_seconds = time.perf_counter() - started

    from tests.conftest import make_app

    from anihome.models import Release, User

    app = make_app(Path(data_dir), TESTING=False, API_RATE_LIMIT=0)
    report = {"items": args.items, "events": args.events, "sync_seconds": round(sync_seconds, 1)}
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        report["releases"] = Release.select().where(Release.available == True).count()  # noqa: E712
        t = time.perf_counter()
        report["descriptions"] = describe(args.seed)
        report["describe_seconds"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        household(args.events, rng)
        report["household_seconds"] = round(time.perf_counter() - t, 1)
        report["nightly"] = nightly(app)
        members = list(User.select().where(User.username.startswith("member")))
    report["serving"] = serving(app, members)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        if not args.skip_quality:
            report["quality"] = quality(args.holdout, rng)  # imports scikit-learn here: last
            report["forecast_backtest"] = forecast_backtest()
    report["bench_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if args.keep or args.data:
        report["data_dir"] = data_dir
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

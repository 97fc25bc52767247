"""Speed of comment threads: a release with 5,000 comments from 8 members.

Run: python3 bench/social_bench.py [--comments 5000] [--members 8] [--runs 300] [--seed 1]

Measures in-process (no HTTP server): the first page of the release's thread as a member
reads it (``comments.thread``: visibility, spoiler shield, replies), the same page rendered
by the release page through the Flask test client, and posting one comment
(``comments.post``: validation, rules, duplicate check, insert). Baseline in the same run:
the uncached catalog release page service and GET /api/v1/health through the test client.
Prints p50 / p99 in milliseconds of wall time and of the thread's CPU time.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = datetime(2026, 1, 1)
WORDS = ("great", "episode", "music", "animation", "||twist||", "**really**", "*slow*", "ending",
         "opening", "character", "https://example.org/x", "season", "why", "best", "again")


def build(n_comments: int, n_members: int, rng: random.Random):
    from anihome.models import Comment, Episode, Release, Translation, User

    users = [User.create(username=f"m{i}", username_key=f"m{i}", password_hash="x",
                         role="owner" if i == 0 else "member", created_at=START) for i in range(n_members)]
    release = Release.create(key="shiki:1", shikimori_id="1", title="Bench", sort_title="bench", kind="tv",
                             status="released", episodes_total=24, episodes_aired=24, age_limit=12,
                             first_seen_at=START, kodik_updated_at=START, updated_at=START)
    tr = Translation.create(kodik_id="serial-1", release=release, kodik_type="anime-serial", team_id=1, team="T",
                            link="//kodik.test/serial/1/a/720p", last_season=1, last_episode=24,
                            episodes_count=24, kodik_created_at=START, kodik_updated_at=START, synced_at=START)
    Episode.insert_many([{"translation": tr, "season": 1, "number": n, "link": f"//kodik.test/seria/{n}/a/720p"}
                         for n in range(1, 25)]).execute()
    tops: list[int] = []
    rows = []
    for i in range(n_comments):
        moment = START + timedelta(seconds=37 * i)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
        spoiler = rng.randint(1, 24) if rng.random() < 0.2 else None
        row = dict(release=release.id, user=users[rng.randrange(n_members)].id, body=text, created_at=moment,
                   spoiler_episode=spoiler, gate_season=1 if spoiler else None, gate_episode=spoiler)
        if tops and rng.random() < 0.3:
            row["parent"] = rng.choice(tops[-30:])
            rows.append(row)
        else:
            comment = Comment.create(**row)
            tops.append(comment.id)
    with Comment._meta.database.atomic():
        for chunk in range(0, len(rows), 500):
            Comment.insert_many(rows[chunk:chunk + 500]).execute()
    from peewee import fn
    counts = (Comment.select(Comment.parent, fn.COUNT(Comment.id)).where(Comment.parent.is_null(False))
              .group_by(Comment.parent).tuples())
    for parent, count in counts:
        Comment.update(live_replies=count).where(Comment.id == parent).execute()
    return users, release, tr


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def timed(fn, runs: int) -> tuple[float, float, float, float]:
    """(wall p50, wall p99, CPU p50, CPU p99) in ms. CPU time is this thread's own
    (time.thread_time): on a shared, loaded machine it leaves out the time spent waiting for
    a core, which wall time cannot."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return (*percentiles(wall), *percentiles(cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--members", type=int, default=8)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from anihome import create_app
    from anihome.catalog.releases import release_page
    from anihome.library import episodes, progress
    from anihome.models import Comment
    from anihome.security.login import session_id_for
    from anihome.serving.startup import prepare_database
    from anihome.social import comments

    app = create_app({"DATA_DIR": tempfile.mkdtemp(prefix="anihome-socialbench-"), "SECRET_KEY": "bench"})
    prepare_database(app)
    rng = random.Random(args.seed)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"load average {os.getloadavg()[0]:.1f}")
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        start = time.perf_counter()
        users, release, tr = build(args.comments, args.members, rng)
        reader = users[1]
        for n in range(1, 9):
            progress.save(reader.id, episodes.ref_for(tr, 1, n), 1400, 1440, watched=True)
        print(f"built {Comment.select().count()} comments ({Comment.select().where(Comment.parent.is_null()).count()} "
              f"top-level) from {args.members} members in {time.perf_counter() - start:.1f} s")

        page = comments.thread(reader, release.id)
        print(f"first page: {len(page.items)} threads, {sum(len(v.replies) for v in page.items)} replies, "
              f"{sum(1 for v in page.items if v.gated)} gated for the reader")
        from anihome.social import rules
        from anihome.social.comments import _count_top

        state = rules.switches()
        db = app.extensions["anihome.db"]
        results = {"top-level COUNT (covering index comment_thread_count)":
                   timed(lambda: _count_top(release.id, None, None, reader, state), args.runs)}
        db.execute_sql("DROP INDEX comment_thread_count")  # the baseline: the thread index only
        results["top-level COUNT, baseline without that index"] = timed(
            lambda: _count_top(release.id, None, None, reader, state), args.runs)
        db.execute_sql("CREATE INDEX comment_thread_count ON comment "
                       "(release_id, season, episode, parent_id, status, live_replies, user_id)")
        results.update({
            "thread, first page (comments.thread)": timed(lambda: comments.thread(reader, release.id), args.runs),
            "thread, oldest first": timed(lambda: comments.thread(reader, release.id, sort="oldest"), args.runs),
        })
        poster = users[2]
        counter = iter(range(10 ** 9))
        results["post a comment (comments.post)"] = timed(
            lambda: comments.post(poster, release.id, f"bench comment {next(counter)} ||spoiler||",
                                  limit_per_minute=10 ** 6), min(args.runs, 200))
        results["post a reply (comments.post, parent)"] = timed(
            lambda: comments.post(users[3], release.id, f"bench reply {next(counter)}", parent_id=page.items[0].id,
                                  limit_per_minute=10 ** 6), min(args.runs, 200))
        results["baseline: catalog release_page service (uncached)"] = timed(
            lambda: release_page(release.id, None), args.runs)
        session_id = session_id_for(reader)

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    client.get(f"/releases/{release.id}")  # warm the catalog fragment cache
    results["release page HTML with thread (test client)"] = timed(
        lambda: client.get(f"/releases/{release.id}"), max(50, args.runs // 3))
    results["baseline: GET /api/v1/health (test client)"] = timed(
        lambda: client.get("/api/v1/health"), args.runs)
    width = max(len(k) for k in results)
    print(f"{'measurement'.ljust(width)}  wall p50  wall p99  CPU p50  CPU p99  (ms)")
    for name, (p50, p99, c50, c99) in results.items():
        print(f"{name.ljust(width)}  {p50:8.2f}  {p99:8.2f}  {c50:7.2f}  {c99:7.2f}")


if __name__ == "__main__":
    main()

"""Cost of the release page's member parts (rendered per request around the cached shared
part): a member without progress on the release (the shared episode grid comes from the
cache), and members with progress (the grid is rendered per request with their marks), on
releases of 24 and 500 episodes; a cached browse page is the baseline of the same run.

Run: python3 bench/release_page_bench.py [--requests 200]
Prints the median and p95 of in-process requests (Flask test client, no network), in ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 1, 1)


def build(episode_counts):
    from anihome.models import Episode, Release, Translation

    ids = []
    for i, count in enumerate(episode_counts):
        r = Release.create(key=f"shiki:{i + 1}", shikimori_id=str(i + 1), title=f"Title {i}", sort_title=f"title {i}",
                           kind="tv", status="released", episodes_total=count, episodes_aired=count, age_limit=0,
                           first_seen_at=NOW, kodik_updated_at=NOW, updated_at=NOW)
        t = Translation.create(kodik_id=f"serial-{i}", release=r, kodik_type="anime-serial", team_id=i, team=f"T{i}",
                               link="//kodik.test/serial/1/a/720p", last_season=1, last_episode=count,
                               episodes_count=count, kodik_created_at=NOW, kodik_updated_at=NOW, synced_at=NOW)
        Episode.insert_many([{"translation": t, "season": 1, "number": n, "link": f"//kodik.test/seria/{n}/a/720p"}
                             for n in range(1, count + 1)]).execute()
        ids.append((r.id, t))
    return ids


def measure(client, path: str, requests: int) -> tuple[float, float]:
    for _ in range(5):
        assert client.get(path).status_code == 200, path
    runs = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(path)
        runs.append((time.perf_counter() - start) * 1000)
    runs.sort()
    return statistics.median(runs), runs[int(len(runs) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    from anihome import create_app
    from anihome.accounts.users import create_user
    from anihome.library import episodes, mark_watched, progress
    from anihome.security.login import session_id_for
    from anihome.serving.startup import prepare_database

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATA_DIR": tmp, "SECRET_KEY": "bench", "TESTING": True})
        prepare_database(app)
        with app.app_context(), app.extensions["anihome.db"].connection_context():
            create_user("owner", "bench-password-1", "owner")
            fresh = create_user("fresh", "bench-password-1", "member")
            watcher = create_user("watcher", "bench-password-1", "member")
            (short_id, short_tr), (long_id, long_tr) = build([24, 500])
            for rid, tr, through in ((short_id, short_tr, 12), (long_id, long_tr, 250)):
                mark_watched.watched_through(watcher.id, rid, tr.id, 1, through)
                progress.save(watcher.id, episodes.ref_for(tr, 1, through + 1), 300, 1440)
        clients = {}
        for user in (fresh, watcher):
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = session_id_for(user)
            clients[user.username] = client
        rows = [("cached browse page (baseline)", "fresh", "/browse"),
                ("release, 24 episodes, no progress", "fresh", f"/releases/{short_id}"),
                ("release, 24 episodes, with progress", "watcher", f"/releases/{short_id}"),
                ("release, 500 episodes, no progress", "fresh", f"/releases/{long_id}"),
                ("release, 500 episodes, with progress", "watcher", f"/releases/{long_id}")]
        for label, who, path in rows:
            p50, p95 = measure(clients[who], path, args.requests)
            print(f"{label:40s} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms")


if __name__ == "__main__":
    main()

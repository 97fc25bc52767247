"""Speed of a member's watching data: progress saves, the continue-watching row, the player
page, and MyAnimeList export / import / preview, on a fresh data dir with synthetic rows.

Run: python3 bench/library_bench.py [--releases 300] [--watched 100] [--seed 1]
Prints one line per measurement (median of several runs where it is cheap to repeat).
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 1, 1)


def build(releases: int):
    from anihome.models import Episode, Release, Translation, User

    owner = User.create(username="owner", username_key="owner", password_hash="x", role="owner", created_at=NOW)
    member = User.create(username="alice", username_key="alice", password_hash="y", created_at=NOW)
    translations = []
    for i in range(releases):
        r = Release.create(key=f"shiki:{i + 1}", shikimori_id=str(i + 1), title=f"Title {i}", sort_title=f"title {i}",
                           kind="tv", status="released", episodes_total=12, episodes_aired=12,
                           first_seen_at=NOW, kodik_updated_at=NOW, updated_at=NOW)
        t = Translation.create(kodik_id=f"serial-{i}", release=r, kodik_type="anime-serial", team_id=i, team=f"T{i}",
                               link="//kodik.test/serial/1/a/720p", last_season=1, last_episode=12,
                               episodes_count=12, kodik_created_at=NOW, kodik_updated_at=NOW, synced_at=NOW)
        Episode.insert_many([{"translation": t, "season": 1, "number": n, "link": f"//kodik.test/seria/{n}/a/720p"}
                             for n in range(1, 13)]).execute()
        translations.append(t)
    return owner, member, translations


def timed(fn, repeat: int = 1) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=300)
    parser.add_argument("--watched", type=int, default=100, help="releases the member has progress in")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from anihome import create_app
    from anihome.library import continue_watching, episodes, lists, mal, progress
    from anihome.security.login import session_id_for
    from anihome.serving.startup import prepare_database

    app = create_app({"DATA_DIR": tempfile.mkdtemp(prefix="anihome-libbench-"), "SECRET_KEY": "bench"})
    prepare_database(app)
    rng = random.Random(args.seed)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        _, member, translations = build(args.releases)
        saves = []
        for t in translations[:args.watched]:
            upto = rng.randint(1, 12)
            saves += [(episodes.ref_for(t, 1, n), 1400 if n < upto or rng.random() < 0.3 else 600)
                      for n in range(1, upto + 1)]
        rng.shuffle(saves)
        start = time.perf_counter()
        for ref, position in saves:
            progress.save(member.id, ref, position, 1440)
        per_save = (time.perf_counter() - start) / len(saves) * 1000
        print(f"progress.save: {len(saves)} saves, {per_save:.2f} ms each (with history and list transitions)")
        row = continue_watching.for_user(member.id, 12)
        print(f"continue_watching.for_user(12), {args.watched} releases with progress: "
              f"{timed(lambda: continue_watching.for_user(member.id, 12), 30):.2f} ms, {len(row)} items")
        for t in translations:
            lists.set_entry(member.id, t.release_id, {"status": "completed", "score": 7})
        xml, _ = mal.export_xml(member.id)
        print(f"MAL export, {args.releases} entries: {timed(lambda: mal.export_xml(member.id), 5):.1f} ms, {len(xml) // 1024} KB")
        print(f"MAL preview, {args.releases} entries: {timed(lambda: mal.plan(member.id, xml), 5):.1f} ms")
        session_id, release_id = session_id_for(member), translations[0].release_id
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    client.get(f"/watch/{release_id}")
    print(f"player page render: {timed(lambda: client.get(f'/watch/{release_id}'), 30):.2f} ms")
    print(f"lists page render (50 entries): {timed(lambda: client.get('/lists'), 20):.2f} ms")


if __name__ == "__main__":
    main()

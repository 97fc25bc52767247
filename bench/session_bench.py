"""What a signed-in page pays for server-side sessions: the per-request session lookup.

In one process on a fresh data dir: a member with 30 live sessions among 200 members' 3,000,
then N lookups of each kind, timed with perf_counter:
  baseline  the lookup before session records: ``User.get_or_none(User.id == id)``;
  session   ``session_records.resolve(key)``: SHA-256 of the key, one UserSession JOIN User
            select, the member checked active (last-seen writes are not due: < 5 minutes);
  page      a signed-in GET /account/ through the Flask test client, for scale.
Run: python3 bench/session_bench.py [--lookups 20000]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from anihome import create_app  # noqa: E402
from anihome.accounts import session_records  # noqa: E402
from anihome.clock import utcnow  # noqa: E402
from anihome.models import User  # noqa: E402
from anihome.serving.startup import prepare_database  # noqa: E402


def timed(fn, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e6)
    return samples


def summary(name: str, samples: list[float]) -> str:
    samples = sorted(samples)
    p99 = samples[int(len(samples) * 0.99) - 1]
    return f"{name:9s} mean {statistics.fmean(samples):7.1f} us   p50 {samples[len(samples) // 2]:7.1f} us   p99 {p99:7.1f} us"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lookups", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATA_DIR": str(Path(tmp) / "data"), "SECRET_KEY": "bench"})
        prepare_database(app)
        with app.app_context(), app.extensions["anihome.db"].connection_context():
            now = utcnow()
            users = [User.create(username=f"m{i}", username_key=f"m{i}", password_hash="x", role="owner" if i == 0 else "member",
                                 created_at=now) for i in range(200)]
            keys = [session_records.start(user) for user in users for _ in range(15)]
            key, user_id = keys[-1], users[-1].id
            baseline = timed(lambda: User.get_or_none(User.id == user_id), args.lookups)
            session = timed(lambda: session_records.resolve(key), args.lookups)
        client = app.test_client()
        with client.session_transaction() as s:
            s["_user_id"] = key
        page = timed(lambda: client.get("/account/"), max(200, args.lookups // 50))
        print(f"{len(keys)} sessions of {len(users)} members, {args.lookups} lookups")
        print(summary("baseline", baseline))
        print(summary("session", session))
        print(summary("page", page))


if __name__ == "__main__":
    main()

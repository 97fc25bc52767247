"""Live filter counts on /browse (``catalog.facet_counts``): uncached service time on a large
synced catalog, with the browse match count (``queries.count``) of the same filter sets as the
baseline in the same run.

Run: python3 bench/facet_counts_bench.py --data DIR   (a data dir with a synced catalog, e.g.
one left by bench/catalog_bench.py or bench/sync_bench.py), or --items N to sync one first.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETS = 40


def _pools(rng):
    from anihome.models import Genre, Studio

    genres = [g.slug for g in Genre.select()]
    studios = [s.slug for s in Studio.select().limit(200)]
    mixes = [{}]
    for _ in range(SETS - 1):
        args = {}
        if rng.random() < .5:
            args["genre"] = rng.choice(genres)
        if rng.random() < .4:
            args["kind"] = rng.choice(["tv", "movie", "tv,movie", "ova"])
        if rng.random() < .3:
            args["status"] = rng.choice(["ongoing", "released"])
        if rng.random() < .3:
            args["year_from"] = str(rng.randint(1995, 2022))
        if rng.random() < .15 and studios:
            args["studio"] = rng.choice(studios)
        mixes.append(args)
    return mixes


def _timed(fn, mixes, cap):
    from werkzeug.datastructures import MultiDict

    from anihome.catalog.params import parse_browse

    times = []
    for args in mixes:
        params = parse_browse(MultiDict(args))
        start = time.perf_counter()
        fn(params, cap)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * .95) - 1], times[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    if not args.data:
        from bench.catalog_bench import synced_data_dir

        args.data, _ = synced_data_dir(args.items, 1, None)
    from tests.conftest import make_app

    from anihome.catalog.facet_counts import facet_counts
    from anihome.catalog.queries import count
    from anihome.models import Release

    app = make_app(Path(args.data), TESTING=False)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        releases = Release.select().where(Release.available == True).count()  # noqa: E712
        mixes = _pools(random.Random(7))
        print(f"releases available: {releases}; {len(mixes)} filter sets")
        for cap in (None, 12):
            for name, fn in (("queries.count (baseline)", count), ("facet_counts", facet_counts)):
                p50, p95, worst = _timed(fn, mixes, cap)
                print(f"cap={cap!s:>4} {name:<26} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {worst:7.1f} ms")


if __name__ == "__main__":
    main()

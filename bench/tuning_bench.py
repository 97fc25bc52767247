"""Learning: what the nightly tuning of the blends' weights adds to the held-out check.

A synthetic catalog (no database, no TF-IDF: random unit vectors of the recommender's 48
dimensions, random popularity and age limits) of --releases releases, and --members members
with 60 titles each (ten of them dropped), --holdout hidden per member. Same run, same data:

- before: the check as it was (every hidden title ranked by the default blends and popularity,
  ``evaluation.rank_cases`` on all cases);
- after:  ``evaluation.evaluate``: the split, ``tuning.tune`` over each blend's grid on the
  tuning half, then the tuned blends and popularity on the evaluation half;
- tune:   ``tuning.tune`` alone.

Each is timed (CPU seconds, best of --repeat) and its peak of Python-allocated memory is taken
with tracemalloc (numpy's arrays are counted). Run: python3 bench/tuning_bench.py [--releases
101081] [--members 8] [--holdout 5] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def world(releases: int, members: int, holdout: int, seed: int = 7):
    import numpy as np

    from anihome.learn.data import CatalogFeatures, Member

    rng = random.Random(seed)
    catalog = CatalogFeatures(ids=list(range(1, releases + 1)),
                              popularity=[rng.random() ** 3 for _ in range(releases)],
                              age_limit=[rng.choice([None, 12, 16, 18]) for _ in range(releases)])
    vectors = np.random.default_rng(seed).normal(size=(releases, 48)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    people, completed = [], {}
    for uid in range(1, members + 1):
        titles = rng.sample(catalog.ids, 60)
        weights = {rid: (-0.5 if n % 6 == 5 else 1.0) for n, rid in enumerate(titles)}
        people.append(Member(uid, None, weights, set(titles)))
        completed[uid] = [rid for rid in titles if weights[rid] > 0]
    return catalog, vectors, people, completed, holdout


def measured(fn, repeat: int) -> dict:
    best = None
    for _ in range(repeat):
        started = time.process_time()
        fn()
        spent = time.process_time() - started
        best = spent if best is None else min(best, spent)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"cpu_ms": round(best * 1000, 1), "peak_mb": round(peak / 2 ** 20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=101081)
    parser.add_argument("--members", type=int, default=8)
    parser.add_argument("--holdout", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from anihome.learn import evaluation, recommender, tuning

    catalog, vectors, members, completed, per_member = world(args.releases, args.members, args.holdout)
    trimmed, hidden = evaluation.holdout(members, completed, per_member)
    tune_half, _ = tuning.split(hidden)

    def before():
        evaluation.decide(evaluation.rank_cases(catalog, vectors, trimmed, hidden, recommender.BLENDS))

    def after():
        evaluation.evaluate(catalog, vectors, members, completed, recommender.BLENDS, per_member)

    def tune():
        tuning.tune(catalog, vectors, trimmed, tune_half, recommender.BLENDS, evaluation.K)

    report = {"releases": args.releases, "members": args.members, "hidden": sum(map(len, hidden.values())),
              "tuning_cases": sum(map(len, tune_half.values())),
              "grid_points": {name: len(tuning.grid(name, w)) for name, w in recommender.BLENDS.items()},
              "before_check": measured(before, args.repeat), "after_check": measured(after, args.repeat),
              "tune_alone": measured(tune, args.repeat)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

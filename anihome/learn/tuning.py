"""Each blend's weights tuned every night on half of the held-out cases.

The held-out cases of ``evaluation.holdout`` are split by member (``split``): members sorted
by a hash of their id go in turn to the evaluation half and the tuning half, so the halves
are disjoint, balanced, and the same each night unless the members with hidden titles
change. ``tune`` tries a small grid of weights per blend on the tuning half and keeps the one
with the best NDCG@K; the evaluation half alone then decides whether the tuned blend beats
popularity (``evaluation.evaluate``), so the numbers on Admin → Learning never come from the
cases the weights were picked on.

Each blend keeps its character, so the A/B experiment still compares two different ideas:
blend a's content weight always stays above its household weight, blend b's household weight
above its content weight. The grid varies how much popularity is mixed in
(``POPULARITY_SHARES``) and how far the lead signal leads (``LEAD_SHARES``): 12 points plus
the blend's default weights, which win every tie (with no signal in the tuning half, the
weights stay the defaults). Scoring a grid point re-weights the three signals the recommender
computed once per member (``recommender.member_signals``), and the rank of a hidden title is a
count, not a sort: the tuning costs ~0.1 s of CPU on a 100,000-release catalog
(docs/benchmarks.md).
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

#: share of popularity in a blend's weights (the rest goes to content and household)
POPULARITY_SHARES = (0.1, 0.3, 0.5, 0.7)
#: the lead signal's share of the rest (above one half: it still leads)
LEAD_SHARES = (0.6, 0.8, 1.0)
#: blend -> its lead signal (0 content, 1 household); a blend not named here is not tuned
LEADS = {"a": 0, "b": 1}
#: fewer tuning cases than this: the defaults are kept (a handful of titles is noise)
MIN_TUNING_CASES = 10


@dataclass
class Tuned:
    weights: tuple[float, float, float]   # (content, household, popularity) served tonight
    ndcg: float | None                    # NDCG@K of those weights on the tuning half (None: not tuned)
    cases: int                            # hidden titles in the tuning half
    tried: int                            # grid points scored


def grid(blend: str, default: tuple[float, float, float]) -> list[tuple[float, float, float]]:
    """The weights tried for ``blend``: its defaults first, then the grid around its lead."""
    points = [tuple(default)]
    lead = LEADS.get(blend)
    if lead is None:
        return points
    for popularity in POPULARITY_SHARES:
        rest = 1.0 - popularity
        for share in LEAD_SHARES:
            weights = [0.0, 0.0, round(popularity, 3)]
            weights[lead] = round(rest * share, 3)
            weights[1 - lead] = round(rest - weights[lead], 3)
            if tuple(weights) not in points:
                points.append(tuple(weights))
    return points


def _side(member_id: int) -> str:
    return hashlib.sha256(f"anihome-tuning:{member_id}".encode()).hexdigest()


def split(hidden: dict[int, list[int]]) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """(tuning half, evaluation half) of the held-out titles, by member: every member's titles
    go to one half only; with an odd number of members the evaluation half gets the extra one."""
    order = sorted(hidden, key=_side)
    evaluation = {uid: hidden[uid] for uid in order[0::2]}
    tuning = {uid: hidden[uid] for uid in order[1::2]}
    return tuning, evaluation


def case_ndcg(score, target: int | None, k: int) -> float:
    """NDCG@k of one hidden title (its row ``target``, None when not in the catalog) in a blend's
    score array, with the recommender's own order: highest score first, ties by catalog row
    (a stable sort), nothing scored 0 or below."""
    if target is None:
        return 0.0
    value = score[target]
    if value <= 0:
        return 0.0
    position = int((score > value).sum()) + int((score[:target] == value).sum())
    return 1 / math.log2(position + 2) if position < k else 0.0


def tune(catalog, vectors, trimmed, tuning: dict[int, list[int]], blends: dict, k: int,
         min_cases: int = MIN_TUNING_CASES) -> dict[str, Tuned]:
    """blend -> its weights for tonight, the best NDCG@k on the ``tuning`` half of its grid."""
    from . import recommender

    grids = {name: grid(name, weights) for name, weights in blends.items()}
    cases = sum(len(targets) for targets in tuning.values())
    if cases < min_cases:
        return {name: Tuned(tuple(weights), None, cases, 0) for name, weights in blends.items()}
    wanted = {rid for targets in tuning.values() for rid in targets}
    index = {rid: i for i, rid in enumerate(catalog.ids) if rid in wanted}  # the hidden titles' rows only
    totals = {name: [0.0] * len(points) for name, points in grids.items()}
    for member, _, signals, allowed in recommender.member_signals(catalog, vectors, trimmed, set(tuning)):
        targets = [index.get(rid) for rid in tuning[member.id]]
        for name, points in grids.items():
            for j, weights in enumerate(points):
                score = recommender.blend_score(signals, weights, allowed)
                totals[name][j] += sum(case_ndcg(score, t, k) for t in targets)
    out = {}
    for name, points in grids.items():
        best = 0  # the defaults, unless a grid point does strictly better
        for j in range(1, len(points)):
            if totals[name][j] > totals[name][best] + 1e-12:
                best = j
        out[name] = Tuned(points[best], totals[name][best] / cases, cases, len(points))
    return out

"""The recommender against popularity on the household's own held-out data (issue 12).

Leave-last-out: each member with enough history has their last few completed titles
(``PER_MEMBER``, by the date their list entry last changed) hidden; every blend and
popularity alone (weights (0, 0, 1)) rank the catalog for the member as they were before
those titles, and each hidden title is a case: a hit when it is in the top ``K``, with
NDCG@K = 1 / log2(rank + 1) (one relevant title per case). All members are trimmed at once,
so the whole check is one recommend pass over the members under test.

The hidden titles are split by member into a tuning half and an evaluation half
(``tuning.split``): each blend's weights are tuned on the first (``tuning.tune``), and only
the second is ranked here, by the tuned blends and popularity, for the numbers and the
decision. The decision: a tuned blend whose NDCG@K does not beat popularity's, over at least
``MIN_CASES`` cases of the evaluation half, is served as popularity for the night (its rows are popularity's rows: still within
the member's age cap, never a title they completed or dropped). With fewer cases there is
not enough data to judge and the blend is served as it is. The nightly child and
``bench/learn_bench.py`` share this code; it imports numpy only through the recommender.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from . import tuning
from .data import Member

K = 10
#: at most this many hidden titles per member: the check stays a bounded, single pass
PER_MEMBER = 5
#: a member is tested only when this many completed titles remain after hiding
KEEP_AT_LEAST = 3
#: fewer cases than this: "not enough data", the blend is served as it is
MIN_CASES = 20
POPULARITY = "popularity"
BASELINE = (0.0, 0.0, 1.0)


@dataclass
class Result:
    ranker: str          # a blend name or POPULARITY
    hit_rate: float
    ndcg: float
    cases: int
    served: bool         # its own rankings are what members get tonight
    enough: bool         # at least MIN_CASES cases: the decision was made on the numbers
    weights: tuple[float, float, float] | None = None  # the weights ranked (a blend's tuned ones)
    tuned_ndcg: float | None = None  # NDCG@K of those weights on the tuning half (None: not tuned)
    tuning_cases: int = 0            # hidden titles in the tuning half


def holdout(members: list[Member], completed: dict[int, list[int]],
            per_member: int = PER_MEMBER) -> tuple[list[Member], dict[int, list[int]]]:
    """(every member with their hidden titles taken out, member id -> hidden titles)."""
    trimmed, hidden = [], {}
    for member in members:
        order = [rid for rid in completed.get(member.id, ()) if rid in member.weights]
        take = min(per_member, len(order) - KEEP_AT_LEAST)
        if take <= 0:
            trimmed.append(member)
            continue
        hide = order[-take:]
        gone = set(hide)
        hidden[member.id] = hide
        trimmed.append(Member(member.id, member.age_cap,
                              {rid: w for rid, w in member.weights.items() if rid not in gone},
                              member.excluded - gone))
    return trimmed, hidden


def case_score(top: list[int], target: int) -> tuple[float, float]:
    """(hit, NDCG) of one hidden title in a ranked top list."""
    if target not in top[:K]:
        return 0.0, 0.0
    return 1.0, 1 / math.log2(top.index(target) + 2)


def rank_cases(catalog, vectors, trimmed: list[Member], hidden: dict[int, list[int]],
               blends: dict) -> dict[str, list[tuple[float, float]]]:
    """ranker -> (hit, NDCG) per case, for each blend and popularity alone: one recommend pass."""
    from . import recommender

    rankers = {**blends, POPULARITY: BASELINE}
    recs = recommender.recommend(catalog, vectors, trimmed, blends=rankers, keep=K, only=set(hidden))
    scores: dict[str, list[tuple[float, float]]] = {name: [] for name in rankers}
    for user_id, targets in hidden.items():
        for name in rankers:
            top = [r.release_id for r in recs.get((user_id, name), [])]
            scores[name].extend(case_score(top, target) for target in targets)
    return scores


def decide(scores: dict[str, list[tuple[float, float]]], min_cases: int = MIN_CASES) -> list[Result]:
    """One result per ranker; a blend is served unless it had enough cases and its NDCG did
    not beat popularity's. Popularity is marked served when some blend fell back to it."""
    def mean(values):
        return sum(values) / len(values) if values else 0.0

    summary = {name: (mean([h for h, _ in s]), mean([n for _, n in s]), len(s)) for name, s in scores.items()}
    base_ndcg = summary[POPULARITY][1]
    out = []
    for name, (hit, ndcg, cases) in summary.items():
        if name == POPULARITY:
            continue
        enough = cases >= min_cases
        out.append(Result(name, hit, ndcg, cases, served=not enough or ndcg > base_ndcg, enough=enough))
    hit, ndcg, cases = summary[POPULARITY]
    out.append(Result(POPULARITY, hit, ndcg, cases, served=any(not r.served for r in out),
                      enough=cases >= min_cases))
    return out


def evaluate(catalog, vectors, members: list[Member], completed: dict[int, list[int]], blends: dict,
             per_member: int = PER_MEMBER, min_cases: int = MIN_CASES) -> tuple[list[Result], dict]:
    """(one result per ranker on the evaluation half, blend -> its tuned weights for tonight)."""
    trimmed, hidden = holdout(members, completed, per_member)
    tuning_half, evaluation_half = tuning.split(hidden)
    tuned = tuning.tune(catalog, vectors, trimmed, tuning_half, blends, K)
    chosen = {name: t.weights for name, t in tuned.items()}
    results = decide(rank_cases(catalog, vectors, trimmed, evaluation_half, chosen), min_cases)
    for result in results:
        if result.ranker in tuned:
            t = tuned[result.ranker]
            result.weights, result.tuned_ndcg, result.tuning_cases = t.weights, t.ndcg, t.cases
        elif result.ranker == POPULARITY:
            result.weights = BASELINE
    return results, chosen


def fallen_back(results: list[Result]) -> list[str]:
    """The blends to serve as popularity tonight."""
    return [r.ranker for r in results if r.ranker != POPULARITY and not r.served]


def serve(recs: dict, fallen: list[str]) -> dict:
    """The rows to store: each fallen-back blend gets popularity's rows for every member (so
    the For-you experiment still has both blends); popularity's own key is never stored."""
    out = {}
    for (user_id, name), items in recs.items():
        if name == POPULARITY:
            continue
        out[(user_id, name)] = recs[(user_id, POPULARITY)] if name in fallen else items
    return out

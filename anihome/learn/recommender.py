"""The recommender (child process only: imports numpy and scipy).

Each release becomes a short dense vector: TF-IDF over its titles and description plus its
genre, studio, kind and era tags, reduced by truncated SVD and L2-normalised. A member's
profile is the taste-weighted sum of the vectors of what they watched and scored. Three
signals are blended per candidate:

- content: cosine of the profile and the candidate;
- household: item-item co-watching, what members with overlapping taste liked;
- popularity: the rating x log(votes) prior, which alone serves members with no history.

Two blends are computed ("a" content-led, "b" household-led); the For-you experiment shows
one or the other. ``BLENDS`` holds their default weights; each night ``tuning`` picks the
weights actually served from a small grid around each blend's lead. Every recommendation
carries its reason: the title it is most similar to, the household, or popularity.
"""
from __future__ import annotations

from dataclasses import dataclass

from .data import CatalogFeatures, Member

#: blend name -> weights of (content, household, popularity)
BLENDS = {"a": (0.45, 0.2, 0.35), "b": (0.25, 0.45, 0.3)}
DIMENSIONS = 48
KEEP_PER_MEMBER = 60
SIMILAR_KEEP = 12
SIMILAR_SEED_POPULAR = 2000
TAG_WEIGHT = 2.0
#: the description vocabulary: the most frequent words seen in two titles or more
MAX_TERMS = 20000


@dataclass
class Rec:
    release_id: int
    score: float
    reason: str
    reason_release: int | None


def embed(catalog: CatalogFeatures, dimensions: int = DIMENSIONS):
    """Release vectors (rows in ``catalog.ids`` order), L2-normalised float32.

    TF-IDF of the titles and description (``text.tfidf``, the numbers of scikit-learn's
    ``TfidfVectorizer``) and of the tags, reduced by a truncated SVD of the two side by side
    (``svd.reduce``, scikit-learn's randomized ``TruncatedSVD``) without joining them: numpy
    and scipy only, so the child's biggest step does not also carry scikit-learn."""
    import gc

    import numpy as np

    from . import svd, text

    try:
        words, _ = text.tfidf(catalog.text, min_df=2, max_features=MAX_TERMS, sublinear_tf=True)
    except ValueError:  # a tiny catalog: no word seen twice
        try:
            words, _ = text.tfidf(catalog.text, sublinear_tf=True)
        except ValueError:  # no words at all
            words = None
    tags, _ = text.tfidf(catalog.tags, analyzer=list)
    tags.data *= TAG_WEIGHT
    matrix = svd.SideBySide(*([words, tags] if words is not None else [tags]))
    del words, tags
    gc.collect()
    k = max(1, min(dimensions, matrix.shape[1] - 1, matrix.shape[0] - 1))
    if k < 2:
        return svd.normalize_rows(matrix.toarray().astype(np.float32))
    reduced = svd.reduce(matrix, k, n_iter=4, seed=7)
    del matrix
    return svd.normalize_rows(reduced.astype(np.float32, copy=False))


def _scaled(values):
    import numpy as np

    top = float(values.max()) if values.size else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def member_signals(catalog: CatalogFeatures, vectors, members: list[Member], only: set[int] | None = None):
    """Per member (those in ``only``, or all): ``(member, known, signals, allowed)``, where
    ``signals`` are the three per-release arrays a blend weighs (content and household scaled
    to 0..1, popularity) and ``allowed`` is what may be recommended (within the age cap, not
    on the member's lists). Every member counts for the household signal."""
    import numpy as np

    index = {rid: i for i, rid in enumerate(catalog.ids)}
    popularity = np.asarray(catalog.popularity, dtype=np.float32)
    limits = np.asarray([-1 if a is None else a for a in catalog.age_limit], dtype=np.int32)
    liked = {m.id: {rid for rid, w in m.weights.items() if w > 0 and rid in index} for m in members}
    for member in members:
        if only is not None and member.id not in only:
            continue
        known = [(index[rid], w) for rid, w in member.weights.items() if rid in index]
        content = np.zeros(len(catalog.ids), dtype=np.float32)
        if known:
            rows, weights = zip(*known)
            profile = (vectors[list(rows)] * np.asarray(weights, dtype=np.float32)[:, None]).sum(axis=0)
            if np.linalg.norm(profile) > 0:
                content = np.clip(vectors @ (profile / np.linalg.norm(profile)), 0, None)
        household = np.zeros(len(catalog.ids), dtype=np.float32)
        mine = liked[member.id]
        for other in members:
            if other.id == member.id or not liked[other.id]:
                continue
            overlap = len(mine & liked[other.id]) / (len(mine | liked[other.id]) or 1)
            if overlap <= 0 and mine:
                continue
            for rid in liked[other.id] - mine:
                household[index[rid]] += max(overlap, 0.1)
        allowed = np.ones(len(catalog.ids), dtype=bool)
        if member.age_cap is not None:
            allowed = (limits >= 0) & (limits <= member.age_cap)
        for rid in member.excluded | set(member.weights):
            if rid in index:
                allowed[index[rid]] = False
        yield member, known, (_scaled(content), _scaled(household), popularity), allowed


def blend_score(signals, weights, allowed):
    """One blend's score of every release (-1 where not allowed): the recommender's ranking and
    the tuner's (``tuning``) are the same numbers."""
    wc, wh, wp = weights
    score = wc * signals[0] + wh * signals[1] + wp * signals[2]
    score[~allowed] = -1.0
    return score


def recommend(catalog: CatalogFeatures, vectors, members: list[Member], blends=BLENDS,
              keep: int = KEEP_PER_MEMBER, only: set[int] | None = None) -> dict[tuple[int, str], list[Rec]]:
    """(member id, blend) -> ranked recommendations (within the member's age cap); with
    ``only``, for those members alone (the others still count for the household signal)."""
    import numpy as np

    out: dict[tuple[int, str], list[Rec]] = {}
    for member, known, signals, allowed in member_signals(catalog, vectors, members, only):
        for blend, (wc, wh, wp) in blends.items():
            score = blend_score(signals, (wc, wh, wp), allowed)
            top = np.argsort(-score, kind="stable")[:keep]
            recs = []
            for i in top:
                if score[i] <= 0:
                    break
                recs.append(_explain(int(i), float(score[i]), (wc * signals[0][i], wh * signals[1][i],
                                                               wp * signals[2][i]), known, vectors, catalog))
            out[(member.id, blend)] = recs
    return out


#: a title explains a recommendation ("because you watched X") only from this taste weight up:
#: completed, watching or favourite, not merely planned
EXPLAINS_FROM = 0.5


def _explain(i, score, parts, known, vectors, catalog) -> Rec:
    """Why candidate ``i`` is recommended: the strongest of the three signals; for content, the
    member's title it is most like, or their genres when that title is only planned."""
    strongest = max(range(3), key=lambda k: parts[k])
    rid = catalog.ids[i]
    positive = [(row, w) for row, w in known if w > 0]
    if strongest == 0 and positive:
        row, weight = max(positive, key=lambda rw: float(vectors[rw[0]] @ vectors[i]))
        if weight >= EXPLAINS_FROM:
            return Rec(rid, score, "similar", catalog.ids[row])
        return Rec(rid, score, "genre", None)
    if strongest == 1:
        return Rec(rid, score, "household", None)
    return Rec(rid, score, "popular", None)


#: cells of one block of the seeds x catalog similarity matrix: the block (float32) and its
#: top-k partition (int64) stay near 12 MB whatever the catalog's size
SIMILAR_BLOCK_CELLS = 1_000_000


def similar(catalog: CatalogFeatures, vectors, seeds: list[int], keep: int = SIMILAR_KEEP,
            chunk: int | None = None) -> dict[int, list[tuple[int, float]]]:
    """release id -> its ``keep`` nearest releases (cosine), for each id in ``seeds``.

    Seeds go in blocks of ``chunk`` rows (by default sized so a block holds about
    ``SIMILAR_BLOCK_CELLS`` scores): only the top ``keep`` of each row are kept, so memory
    does not grow with seeds x catalog."""
    import numpy as np

    index = {rid: i for i, rid in enumerate(catalog.ids)}
    rows = [index[rid] for rid in seeds if rid in index]
    take = min(keep, len(catalog.ids) - 1)
    if take <= 0:
        return {}
    chunk = chunk or max(8, SIMILAR_BLOCK_CELLS // max(1, len(catalog.ids)))
    out = {}
    for start in range(0, len(rows), chunk):
        block = rows[start:start + chunk]
        scores = vectors[block] @ vectors.T
        scores[np.arange(len(block)), block] = -1.0  # never itself
        best = np.argpartition(scores, scores.shape[1] - take, axis=1)[:, -take:]
        top = np.take_along_axis(scores, best, axis=1)
        del scores
        for r, row in enumerate(block):
            order = np.argsort(-top[r], kind="stable")
            out[catalog.ids[row]] = [(catalog.ids[int(best[r, j])], float(top[r, j])) for j in order
                                     if top[r, j] > 0]
    return out


def similar_seeds(catalog: CatalogFeatures, members: list[Member], popular: int = SIMILAR_SEED_POPULAR) -> list[int]:
    """Which releases get a stored "similar titles" list: all the household touched, and the most
    popular ones (the release page falls back to shared genres for the rest)."""
    touched = {rid for m in members for rid in m.weights}
    ranked = sorted(range(len(catalog.ids)), key=lambda i: -catalog.popularity[i])[:popular]
    return sorted(touched | {catalog.ids[i] for i in ranked})

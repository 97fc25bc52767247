"""The child's cheaper paths give the same answers as the plain ones: similar titles computed
in small blocks (top-k kept per row) match a brute-force ranking of the whole matrix, and the
forecaster's hand-computed ridge prediction matches scikit-learn's ``predict``."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from anihome.learn import forecaster, recommender
from anihome.learn.data import CatalogFeatures


def _catalog(n: int, seed: int = 5) -> CatalogFeatures:
    rng = random.Random(seed)
    words = "sword love school space robot ghost chef idol detective dragon music sea".split()
    catalog = CatalogFeatures()
    for i in range(n):
        catalog.ids.append(1000 + i)
        catalog.text.append(" ".join(rng.choices(words, k=8)))
        catalog.tags.append([f"genre:{rng.choice(words[:5])}", f"era:{2000 + 5 * rng.randrange(5)}", "kind:tv"])
        catalog.popularity.append(rng.random())
        catalog.age_limit.append(12)
    return catalog


def test_similar_titles_in_small_blocks_match_a_brute_force_ranking():
    import numpy as np

    catalog = _catalog(300)
    vectors = recommender.embed(catalog, dimensions=16)
    seeds = catalog.ids[::7]
    blocked = recommender.similar(catalog, vectors, seeds, keep=10, chunk=3)
    whole = recommender.similar(catalog, vectors, seeds, keep=10, chunk=len(seeds))
    assert blocked.keys() == whole.keys()
    for rid in seeds:  # float32 sums may differ in the last bit between block shapes
        assert {o for o, _ in blocked[rid]} == {o for o, _ in whole[rid]}
        assert [s for _, s in blocked[rid]] == pytest.approx([s for _, s in whole[rid]], abs=1e-5)
    full = vectors @ vectors.T
    for rid in seeds:
        row = catalog.ids.index(rid)
        scores = full[row].copy()
        scores[row] = -1.0
        expected = [catalog.ids[j] for j in np.argsort(-scores, kind="stable")[:10] if scores[j] > 0]
        got = [other for other, _ in blocked[rid]]
        assert sorted(got) == sorted(expected) and got[0] == expected[0]
        assert rid not in got


def test_the_block_size_follows_the_catalog_so_memory_stays_flat(monkeypatch):
    catalog = _catalog(200)
    vectors = recommender.embed(catalog, dimensions=8)
    shapes = []
    real = vectors.__class__.__matmul__

    class Spy(type(vectors)):
        def __matmul__(self, other):
            shapes.append(self.shape[0])
            return real(self, other)

    monkeypatch.setattr(recommender, "SIMILAR_BLOCK_CELLS", 200 * 16)
    recommender.similar(catalog, vectors.view(Spy), catalog.ids[:50], keep=5)
    assert shapes and max(shapes) == 16


def test_the_hand_computed_ridge_prediction_matches_scikit_learn():
    end = date(2026, 11, 30)
    start = end - timedelta(days=120)
    rng = random.Random(3)
    series = {rid: [max(0, int(rng.gauss(3 + (i % 7 == 5) * 4 + i / 40, 1.5))) for i in range(120)]
              for rid in range(1, 6)}
    model = forecaster.fit(series, start, 120, airing={2})
    history = series[2]
    ours = forecaster.predict(model, history, end, 30, airing=True)
    theirs, grown = [], list(history)
    for h in range(30):
        row = forecaster._features(grown, (end + timedelta(days=h)).weekday(), True)
        value = max(0.0, float(model.predict([row])[0]))
        theirs.append(value)
        grown.append(value)
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-9)


def test_side_by_side_equals_scipys_hstack():
    import numpy as np
    from scipy.sparse import csr_matrix, hstack

    rng = np.random.default_rng(1)
    dense = (rng.random((40, 7)) < 0.3) * rng.random((40, 7))
    dense[3] = 0  # an empty row on one side
    left = csr_matrix(dense.astype(np.float32))
    right = csr_matrix(((rng.random((40, 5)) < 0.4) * rng.random((40, 5))).astype(np.float32))
    ours = recommender.side_by_side(left, right)
    theirs = hstack([left, right], format="csr")
    assert ours.shape == theirs.shape and ours.has_sorted_indices
    assert (ours != theirs).nnz == 0 and np.array_equal(ours.indptr, theirs.indptr)

"""The child's cheaper paths give the same answers as the plain ones: similar titles computed
in small blocks (top-k kept per row) match a brute-force ranking of the whole matrix, the
forecaster's hand-computed ridge prediction matches scikit-learn's ``predict``, and the TF-IDF
and truncated SVD written on numpy and scipy give scikit-learn's numbers."""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from anihome.learn import forecaster, recommender, svd, text
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


def _corpus(n: int, vocabulary: int, seed: int = 1) -> list[str]:
    """Zipf-distributed words, some Cyrillic and capitalised, a few empty documents."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocabulary)] + ["Дракон", "меч", "ёкай", "x"]
    weights = [1 / (i + 1) for i in range(len(words))]
    docs = [" ".join(rng.choices(words, weights=weights, k=rng.randint(0, 40))) + "." for _ in range(n)]
    docs[3] = ""
    return docs


@pytest.mark.parametrize("options", [{"min_df": 2, "sublinear_tf": True}, {"min_df": 1},
                                     {"min_df": 2, "sublinear_tf": True, "max_features": 50}])
def test_the_tfidf_gives_scikit_learns_numbers(options):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = _corpus(500, 300)
    reference = TfidfVectorizer(dtype=np.float32, **options)
    theirs = reference.fit_transform(docs)
    ours, terms = text.tfidf(iter_twice(docs), **options)
    assert terms == list(reference.get_feature_names_out())
    assert ours.shape == theirs.shape and ours.dtype == np.float32 and ours.nnz == theirs.nnz
    assert abs(ours - theirs).max() < 1e-6


def test_the_tag_tfidf_gives_scikit_learns_numbers():
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    rng = random.Random(2)
    tags = [tuple(rng.sample(["genre:a", "genre:b", "kind:tv", "era:2000", "studio:x"], rng.randint(1, 3)))
            for _ in range(100)]
    theirs = TfidfVectorizer(analyzer=lambda t: t, dtype=np.float32).fit_transform(tags)
    ours, _ = text.tfidf(tags, analyzer=list)
    assert abs(ours - theirs).max() < 1e-6


def test_the_tfidf_refuses_a_corpus_without_a_term_kept():
    with pytest.raises(ValueError):
        text.tfidf(["one two", "three four"], min_df=2)
    with pytest.raises(ValueError):
        text.tfidf(["", "!"])


class iter_twice:
    """A corpus that can be read twice but is not a list (as ``data.ReleaseTexts``)."""

    def __init__(self, docs):
        self.docs, self.reads = docs, 0

    def __iter__(self):
        self.reads += 1
        return iter(list(self.docs))


def _sklearn_embed(catalog, dimensions):
    """The pipeline ``recommender.embed`` replaced, on scikit-learn itself."""
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    words = TfidfVectorizer(max_features=recommender.MAX_TERMS, min_df=2, sublinear_tf=True, dtype=np.float32)
    tags = TfidfVectorizer(analyzer=lambda tokens: tokens, dtype=np.float32).fit_transform(catalog.tags)
    tags.data *= recommender.TAG_WEIGHT
    matrix = hstack([words.fit_transform(catalog.text), tags], format="csr")
    k = max(1, min(dimensions, matrix.shape[1] - 1, matrix.shape[0] - 1))
    return normalize(TruncatedSVD(n_components=k, n_iter=4, random_state=7).fit_transform(matrix))


@pytest.mark.parametrize("releases, vocabulary, dimensions", [(300, 12, 16), (600, 3000, 48), (40, 500, 48)])
def test_the_release_vectors_are_scikit_learns_without_scikit_learn(releases, vocabulary, dimensions):
    """(40 releases and more columns than rows: the SVD works on the transposed side.)"""
    catalog = _catalog(releases)
    catalog.text = _corpus(releases, vocabulary, seed=releases)
    ours = recommender.embed(catalog, dimensions)
    theirs = _sklearn_embed(catalog, dimensions)
    assert ours.shape == theirs.shape and str(ours.dtype) == "float32"
    assert abs(ours - theirs).max() < 5e-4


def test_the_release_vectors_are_the_same_when_the_products_go_in_bands_of_rows(monkeypatch):
    catalog = _catalog(300)
    catalog.text = _corpus(300, 2000, seed=9)
    whole = recommender.embed(catalog, 32)
    monkeypatch.setattr(svd, "ROWS_PER_BAND", 7)
    assert abs(recommender.embed(catalog, 32) - whole).max() < 1e-4  # float32 sums in another order


def test_a_catalog_without_any_description_word_is_still_embedded():
    catalog = _catalog(30)
    catalog.text = [""] * 30
    vectors = recommender.embed(catalog, dimensions=8)
    assert vectors.shape[0] == 30 and abs((vectors ** 2).sum(axis=1) - 1).max() < 1e-5


def test_embedding_the_catalog_does_not_import_scikit_learn():
    """The child's biggest step carries numpy and scipy only; scikit-learn (forecasting) comes
    after its matrices are gone, so the two memory peaks do not add up."""
    import subprocess
    import sys

    code = ("import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
            "from test_child_scale import _catalog\n"
            "from anihome.learn import recommender\n"
            "recommender.embed(_catalog(200), dimensions=8)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))")
    here = Path(__file__).resolve()
    done = subprocess.run([sys.executable, "-c", code, str(here.parent), str(here.parents[2])],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

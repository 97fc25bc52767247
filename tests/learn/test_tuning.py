"""The nightly tuning of the blends' weights: the tuner picks the grid point that does best on
the tuning half (a constructed case with a known answer, and the recommender's own rankings
as the oracle on a random one), the two halves never share a member, the decision against
popularity and its numbers come from the evaluation half only, a tuned blend that still loses
falls back to popularity, and the learning page shows the weights served, in both languages."""
from __future__ import annotations

import html as markup
import random

import pytest

from anihome.clock import utcnow
from anihome.jobs.runner import run_job
from anihome.learn import evaluation, recommender, tuning
from anihome.learn.data import CatalogFeatures, Member
from anihome.models import RecommenderReport
from tests.support.web import sign_in_as

LIKED = [100, 101, 102, 103]      # every member's history: four "quiet" titles, content [1, 0, 0]
QUIET_TARGET = 110                 # like them (cosine 1) and hardly popular
OTHER_QUIET = list(range(105, 110))  # near them (cosine 0.9), popularity 0.5
POPULAR = list(range(200, 210))    # unlike them (cosine 0), the most popular titles


def _world():
    """A catalog where the answer is known: for members who liked the quiet titles, the hidden
    quiet title comes first only when content outweighs popularity more than 4.5 to 1."""
    import numpy as np

    catalog, rows = CatalogFeatures(), []
    for rid in LIKED + [QUIET_TARGET]:
        catalog.ids.append(rid), catalog.popularity.append(0.05), rows.append([1.0, 0.0, 0.0])
    for rid in OTHER_QUIET:
        catalog.ids.append(rid), catalog.popularity.append(0.5), rows.append([0.9, 0.0, (1 - 0.81) ** 0.5])
    for n, rid in enumerate(POPULAR):
        catalog.ids.append(rid), catalog.popularity.append(1.0 - 0.05 * n), rows.append([0.0, 1.0, 0.0])
    catalog.age_limit = [None] * len(catalog.ids)
    return catalog, np.asarray(rows, dtype=np.float32)


def _member(uid: int, also: int | None = None) -> Member:
    titles = LIKED + ([also] if also else [])
    return Member(uid, None, {rid: 1.0 for rid in titles}, set(titles))


def test_the_tuner_picks_the_weights_that_do_best_on_the_tuning_half():
    catalog, vectors = _world()
    members = [_member(uid) for uid in range(1, 11)]
    hidden = {m.id: [QUIET_TARGET] for m in members}
    tuned = tuning.tune(catalog, vectors, members, hidden, recommender.BLENDS, evaluation.K)
    # blend a: only popularity 0.1 puts content over 4.5x popularity; the first such grid point wins the tie
    assert tuned["a"].weights == (0.54, 0.36, 0.1) and tuned["a"].ndcg == 1.0
    assert tuned["a"].cases == 10 and tuned["a"].tried == 13
    # blend b stays household-led: its most content-heavy point, the quiet title after the five near ones
    assert tuned["b"].weights == (0.36, 0.54, 0.1)
    assert tuned["b"].ndcg == pytest.approx(1 / 2.807354922, rel=1e-6)  # position 6: 1 / log2(7)
    assert recommender.BLENDS == {"a": (0.45, 0.2, 0.35), "b": (0.25, 0.45, 0.3)}  # the defaults stay as they are


def test_the_tuner_prefers_popularity_heavy_weights_when_the_hidden_titles_are_the_popular_ones():
    catalog, vectors = _world()
    members = [_member(uid) for uid in range(1, 11)]
    tuned = tuning.tune(catalog, vectors, members, {m.id: [POPULAR[0]] for m in members}, recommender.BLENDS,
                        evaluation.K)
    assert tuned["a"].weights[2] == 0.7 and tuned["a"].ndcg == 1.0
    assert tuned["a"].weights[0] > tuned["a"].weights[1]


def test_the_tuners_numbers_are_the_recommenders_own_rankings_on_a_random_catalog():
    import numpy as np

    rng = random.Random(3)
    catalog = CatalogFeatures()
    for i in range(400):
        catalog.ids.append(1000 + i)
        catalog.popularity.append(rng.random())
        catalog.age_limit.append(rng.choice([None, 12, 16, 18]))
    vectors = np.random.default_rng(3).normal(size=(400, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    members, hidden = [], {}
    for uid in range(1, 13):
        titles = rng.sample(catalog.ids, 12)
        members.append(Member(uid, rng.choice([None, 16]), {rid: rng.choice([1.0, 0.6, -0.5]) for rid in titles[:8]},
                              set(titles[:8])))
        hidden[uid] = titles[8:]
    tuned = tuning.tune(catalog, vectors, members, hidden, recommender.BLENDS, evaluation.K)
    for name, defaults in recommender.BLENDS.items():
        oracle = []
        for weights in tuning.grid(name, defaults):
            recs = recommender.recommend(catalog, vectors, members, blends={name: weights}, keep=evaluation.K,
                                         only=set(hidden))
            cases = [evaluation.case_score([r.release_id for r in recs[(uid, name)]], t)[1]
                     for uid, targets in hidden.items() for t in targets]
            oracle.append(sum(cases) / len(cases))
        best = max(oracle)
        assert best > 0  # the case says something
        assert tuned[name].weights == tuning.grid(name, defaults)[oracle.index(best)]
        assert tuned[name].ndcg == pytest.approx(best)


def test_each_blend_keeps_its_character_and_its_defaults_come_first():
    a, b = tuning.grid("a", recommender.BLENDS["a"]), tuning.grid("b", recommender.BLENDS["b"])
    assert a[0] == recommender.BLENDS["a"] and b[0] == recommender.BLENDS["b"]
    assert len(a) == len(b) == 13 and len(set(a)) == 13
    assert all(c > h for c, h, _ in a) and all(h > c for c, h, _ in b)
    assert all(abs(sum(w) - 1) < 1e-9 for w in a[1:] + b[1:])
    assert tuning.grid("c", (1.0, 0.0, 0.0)) == [(1.0, 0.0, 0.0)]  # an unknown blend is not tuned


def test_the_evaluation_half_is_disjoint_from_the_tuning_half_balanced_and_stable():
    hidden = {uid: [uid * 10, uid * 10 + 1] for uid in range(1, 10)}
    tune_half, check_half = tuning.split(hidden)
    assert not set(tune_half) & set(check_half)
    assert {**tune_half, **check_half} == hidden
    assert (len(tune_half), len(check_half)) == (4, 5)  # the odd member goes to the evaluation half
    again = tuning.split(dict(reversed(list(hidden.items()))))
    assert again == (tune_half, check_half)
    assert tuning.split({}) == ({}, {})


def test_too_few_tuning_cases_keep_the_default_weights():
    catalog, vectors = _world()
    members = [_member(uid) for uid in range(1, 4)]
    tuned = tuning.tune(catalog, vectors, members, {m.id: [QUIET_TARGET] for m in members}, recommender.BLENDS,
                        evaluation.K)
    assert {name: t.weights for name, t in tuned.items()} == recommender.BLENDS
    assert tuned["a"].ndcg is None and tuned["a"].cases == 3 and tuned["a"].tried == 0


def _split_world(members_n: int = 24):
    """Members whose hidden title is the quiet one in the tuning half and the most popular one in
    the evaluation half: the blends tune towards content and then lose to popularity."""
    catalog, vectors = _world()
    uids = list(range(1, members_n + 1))
    tune_half, _ = tuning.split({uid: [0] for uid in uids})
    members, completed = [], {}
    for uid in uids:
        target = QUIET_TARGET if uid in tune_half else POPULAR[0]
        members.append(_member(uid, also=target))
        completed[uid] = LIKED + [target]
    return catalog, vectors, members, completed, set(tune_half)


def test_the_decision_and_its_numbers_come_from_the_evaluation_half_only(monkeypatch):
    catalog, vectors, members, completed, tuners = _split_world()
    seen = {}
    real_tune, real_rank = tuning.tune, evaluation.rank_cases
    monkeypatch.setattr(tuning, "tune", lambda c, v, t, hidden, *a, **k: seen.setdefault("tune", hidden)
                        and real_tune(c, v, t, hidden, *a, **k))
    monkeypatch.setattr(evaluation, "rank_cases", lambda c, v, t, hidden, blends: seen.setdefault("rank", hidden)
                        and real_rank(c, v, t, hidden, blends))
    results, chosen = evaluation.evaluate(catalog, vectors, members, completed, recommender.BLENDS, per_member=1,
                                          min_cases=5)
    assert set(seen["tune"]) == tuners and not set(seen["tune"]) & set(seen["rank"])
    assert set(seen["tune"]) | set(seen["rank"]) == {m.id for m in members}
    by = {r.ranker: r for r in results}
    assert by["popularity"].cases == by["a"].cases == len(members) - len(tuners) == 12
    assert by["a"].tuning_cases == 12 and by["a"].tuned_ndcg == 1.0  # perfect where it was tuned...
    assert chosen["a"] == by["a"].weights == (0.54, 0.36, 0.1)
    assert by["a"].ndcg < by["popularity"].ndcg == 1.0  # ...not on the held-back half


def test_a_tuned_blend_that_still_loses_falls_back_to_popularity():
    catalog, vectors, members, completed, _ = _split_world()
    results, chosen = evaluation.evaluate(catalog, vectors, members, completed, recommender.BLENDS, per_member=1,
                                          min_cases=5)
    assert evaluation.fallen_back(results) == ["a", "b"]
    by = {r.ranker: r for r in results}
    assert by["popularity"].served and by["popularity"].weights == evaluation.BASELINE
    recs = recommender.recommend(catalog, vectors, members, blends={**chosen, "popularity": evaluation.BASELINE})
    served = evaluation.serve(recs, evaluation.fallen_back(results))
    assert served[(1, "a")] == recs[(1, "popularity")] and (1, "popularity") not in served


def test_the_nightly_run_records_the_weights_it_served(app, house):
    run = run_job(app, "learn")
    assert run.status == "succeeded", run.error
    rows = {r.ranker: r for r in RecommenderReport.select()}
    # the small household: too few cases to tune, so the defaults are served and recorded
    assert (rows["a"].content_weight, rows["a"].household_weight, rows["a"].popularity_weight) == (0.45, 0.2, 0.35)
    assert (rows["b"].content_weight, rows["b"].household_weight, rows["b"].popularity_weight) == (0.25, 0.45, 0.3)
    assert rows["a"].tuned_ndcg is None and rows["a"].tuning_cases == run.counts_dict["tuning_cases"]
    assert rows["popularity"].popularity_weight == 1.0
    assert rows["a"].cases + rows["a"].tuning_cases == 3  # alice's 1 and bob's 2 hidden titles, split by member


def test_the_learning_page_shows_the_default_weights_when_there_was_too_little_to_tune(app, house):
    assert run_job(app, "learn").status == "succeeded"
    html = sign_in_as(app.test_client(), house.owner).get("/admin/learn").get_data(as_text=True)
    weights = html.split('id="blend-weights"', 1)[1].split("</ul>", 1)[0]
    assert "content 0.45, household 0.20, popularity 0.35" in weights
    assert "content 0.25, household 0.45, popularity 0.30" in weights
    assert "Its default weights: too few cases to tune" in weights and "of 10)" in weights


def _tuned_report():
    now = utcnow()
    for ranker, weights, tuned, served in (("a", (0.54, 0.36, 0.1), 0.25, 0), ("b", (0.25, 0.45, 0.3), 0.5, 1),
                                           ("popularity", (0.0, 0.0, 1.0), None, 1)):
        RecommenderReport.create(ranker=ranker, hit_rate=0.2, ndcg=0.1 if ranker == "a" else 0.3, cases=20,
                                 served=served, enough=1, content_weight=weights[0], household_weight=weights[1],
                                 popularity_weight=weights[2], tuned_ndcg=tuned,
                                 tuning_cases=None if tuned is None else 21, computed_at=now)


def test_the_learning_page_shows_the_tuned_weights_in_english(app, house):
    _tuned_report()
    html = sign_in_as(app.test_client(), house.owner).get("/admin/learn").get_data(as_text=True)
    check = markup.unescape(html.split('id="recommender-check"', 1)[1].split("</section>", 1)[0])
    assert "Blend weights" in check and "counts only the other half" in check
    a = check.split('<li data-ranker="a">', 1)[1].split("</li>", 1)[0]
    assert "content 0.54, household 0.36, popularity 0.10" in a
    assert "The best of its grid on the tuning half: NDCG@10 0.250, cases: 21." in a
    b = check.split('<li data-ranker="b">', 1)[1].split("</li>", 1)[0]
    assert "content 0.25, household 0.45, popularity 0.30" in b
    assert "Its default weights: no other point of its grid did better on the tuning half (NDCG@10 0.500" in b
    assert '<li data-ranker="popularity">' not in check
    assert "Blend A did not beat popularity" in check  # the fallback is still said


def test_the_learning_page_shows_the_tuned_weights_in_russian(app, house):
    _tuned_report()
    answer = sign_in_as(app.test_client(), house.owner).get("/admin/learn", headers={"Accept-Language": "ru"})
    check = markup.unescape(answer.get_data(as_text=True).split('id="recommender-check"', 1)[1]
                            .split("</section>", 1)[0])
    assert "Веса смесей" in check and "содержание 0.54, семья 0.36, популярность 0.10" in check
    assert "Лучшие из её сетки на половине для подбора: NDCG@10 0.250, случаев: 21." in check
    assert "Веса по умолчанию: ни одна другая точка её сетки не была лучше" in check
    for english in ("Blend weights", "content ", "household ", "tuning half", "The blends' weights", "default"):
        assert english not in check

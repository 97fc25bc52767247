"""The recommender's nightly check against popularity (issue 12): the decision rule on
hand-made numbers, its results stored and shown, and the popularity rows served in a
losing blend's place staying within the age cap and off what the member finished."""
from __future__ import annotations

from anihome.clock import utcnow
from anihome.jobs.runner import run_job
from anihome.learn import child, data, evaluation, recommendations
from anihome.learn.data import Member
from anihome.models import ListEntry, Recommendation, RecommenderReport
from tests.support.web import sign_in_as

HIT_AT_1, HIT_AT_3, MISS = (1.0, 1.0), (1.0, 0.5), (0.0, 0.0)


def _by_ranker(results):
    return {r.ranker: r for r in results}


def test_a_blend_that_does_not_beat_popularity_is_served_as_popularity():
    scores = {"a": [HIT_AT_3] * 5 + [MISS] * 20, "b": [HIT_AT_1] * 10 + [MISS] * 15,
              "popularity": [HIT_AT_1] * 5 + [MISS] * 20}
    results = _by_ranker(evaluation.decide(scores, min_cases=20))
    assert results["a"].enough and not results["a"].served  # NDCG 0.1 vs 0.2: loses
    assert results["b"].served and results["b"].ndcg == 0.4  # wins
    assert results["popularity"].served and results["a"].hit_rate == 0.2
    assert evaluation.fallen_back(list(results.values())) == ["a"]


def test_a_tie_with_popularity_is_not_a_win():
    scores = {"a": [HIT_AT_1] * 2 + [MISS] * 18, "popularity": [HIT_AT_1] * 2 + [MISS] * 18}
    results = _by_ranker(evaluation.decide(scores, min_cases=20))
    assert not results["a"].served and results["popularity"].served


def test_too_few_cases_serve_the_blend_as_it_is_and_say_so():
    scores = {"a": [MISS] * 19, "b": [MISS] * 19, "popularity": [HIT_AT_1] * 19}
    results = _by_ranker(evaluation.decide(scores, min_cases=20))
    assert results["a"].served and not results["a"].enough
    assert results["b"].served and not results["b"].enough
    assert not results["popularity"].served and results["popularity"].cases == 19
    assert evaluation.fallen_back(list(results.values())) == []


def test_the_holdout_hides_each_members_last_completed_titles_and_keeps_enough_history():
    rich = Member(1, None, {rid: 1.0 for rid in range(10, 20)}, set(range(10, 20)))
    poor = Member(2, None, {30: 1.0, 31: 1.0, 32: 1.0}, {30, 31, 32})
    trimmed, hidden = evaluation.holdout([rich, poor], {1: list(range(10, 20)), 2: [30, 31, 32]})
    assert hidden == {1: [15, 16, 17, 18, 19]}
    assert set(trimmed[0].weights) == set(range(10, 15)) and trimmed[0].excluded == set(range(10, 15))
    assert trimmed[1] is poor
    assert evaluation.case_score([5, 6, 7], 7) == (1.0, 0.5) and evaluation.case_score([5], 9) == (0.0, 0.0)


def test_the_nightly_run_stores_the_check_and_serves_the_blends_when_data_is_short(app, house):
    run = run_job(app, "learn")
    assert run.status == "succeeded", run.error
    assert run.counts_dict["served_as_popularity"] == 0 and run.counts_dict["evaluate_ms"] >= 0
    rows = {r.ranker: r for r in RecommenderReport.select()}
    assert set(rows) == {"a", "b", "popularity"}
    # a small household: a few cases, not enough to judge; both blends served as they are
    assert all(0 < r.cases < evaluation.MIN_CASES and not r.enough for r in rows.values())
    assert rows["a"].served and rows["b"].served and not rows["popularity"].served
    assert [r.ranker for r in recommendations.latest_check()] == ["a", "b", "popularity"]
    for blend in ("a", "b"):
        assert Recommendation.select().where((Recommendation.user == house.alice.id)
                                             & (Recommendation.blend == blend)).count() > 0


def _losing(monkeypatch):
    """The real check runs, but every blend's numbers lose: both are served as popularity."""
    real = evaluation.decide
    monkeypatch.setattr(evaluation, "decide", lambda scores, min_cases=evaluation.MIN_CASES: real(
        {**{name: [MISS] * 20 for name in scores}, "popularity": [HIT_AT_1] * 20}, min_cases))


def test_a_losing_blend_gets_popular_rows_within_the_age_cap_and_never_what_was_finished(app, house, monkeypatch):
    _losing(monkeypatch)
    ListEntry.create(user=house.kid, release=house.releases["comedy"][2], status="dropped", created_at=utcnow(),
                     updated_at=utcnow())
    counts = child.learn(lambda fraction, text: None)
    assert counts["served_as_popularity"] == 2
    report = {r.ranker: r for r in RecommenderReport.select()}
    assert not report["a"].served and not report["b"].served and report["popularity"].served
    finished = {rid for (rid,) in ListEntry.select(ListEntry.release).where(
        (ListEntry.user == house.kid.id) & ListEntry.status.in_(("completed", "dropped"))).tuples()}
    for blend in ("a", "b"):
        rows = list(Recommendation.select().where((Recommendation.user == house.kid.id)
                                                  & (Recommendation.blend == blend)).order_by(Recommendation.rank))
        assert rows and all(r.reason == "popular" for r in rows)
        assert all(r.release.age_limit is not None and r.release.age_limit <= 12 for r in rows)
        assert not finished & {r.release_id for r in rows}
        scores = [r.score for r in rows]
        assert scores == sorted(scores, reverse=True)  # by popularity


def test_the_learning_page_shows_the_check_in_english(app, house):
    assert run_job(app, "learn").status == "succeeded"
    client = sign_in_as(app.test_client(), house.owner)
    html = client.get("/admin/learn").get_data(as_text=True)
    check = html.split('id="recommender-check"', 1)[1].split("</section>", 1)[0]
    assert "Recommendations against popularity" in check and "Popularity alone" in check
    assert "Blend A (content-led)" in check and "NDCG@10" in check and "Hit rate@10" in check
    assert "yes: not enough data" in check and 'id="not-enough-data"' in check


def test_the_learning_page_shows_the_check_in_russian(app, house):
    # one language per test: the page's locale is chosen once per app context
    assert run_job(app, "learn").status == "succeeded"
    answer = sign_in_as(app.test_client(), house.owner).get("/admin/learn", headers={"Accept-Language": "ru"})
    check_ru = answer.get_data(as_text=True).split('id="recommender-check"', 1)[1].split("</section>", 1)[0]
    assert "Рекомендации против популярности" in check_ru and "Только популярность" in check_ru
    assert "да: мало данных" in check_ru and "Пока мало данных" in check_ru
    assert "Popularity alone" not in check_ru and "not enough data" not in check_ru


def _blend_a_fell_back():
    now = utcnow()
    for ranker, ndcg, served in (("a", 0.05, 0), ("b", 0.3, 1), ("popularity", 0.1, 1)):
        RecommenderReport.create(ranker=ranker, hit_rate=ndcg * 2, ndcg=ndcg, cases=40, served=served, enough=1,
                                 computed_at=now)


def test_the_learning_page_says_in_russian_when_a_blend_fell_back_to_popularity(app, house):
    _blend_a_fell_back()
    ru = sign_in_as(app.test_client(), house.owner).get("/admin/learn", headers={"Accept-Language": "ru"})
    html = ru.get_data(as_text=True)
    assert "Смесь A не превзошла популярность, поэтому вместо неё показываются популярные тайтлы." in html
    assert "did not beat popularity" not in html


def test_the_learning_page_says_when_a_blend_fell_back_to_popularity(app, house):
    _blend_a_fell_back()
    client = sign_in_as(app.test_client(), house.owner)
    html = client.get("/admin/learn").get_data(as_text=True)
    assert "Blend A did not beat popularity, so popular titles are served in its place." in html
    assert 'id="not-enough-data"' not in html


def test_completed_titles_come_in_the_order_they_were_finished(house):
    order = data.completed_in_order()
    assert order[house.alice.id] == [r.id for r in house.releases["action"][:4]]

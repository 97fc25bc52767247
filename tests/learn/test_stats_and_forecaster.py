"""The pure-Python statistics against hand-computed values and scipy; the forecaster's honest
choice between the model and the seasonal-naive baseline."""
from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from anihome.learn import experiments, forecaster, stats


def test_chi_square_matches_a_hand_computed_example():
    # 30/100 vs 45/100 converted: expected 37.5 / 62.5 per row; chi2 = 4 * 7.5^2 * (1/37.5 + 1/62.5) / 2 = 4.8
    result = stats.chi_square([(30, 70), (45, 55)])
    assert result.statistic == pytest.approx(4.8)
    assert result.df == 1
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(4.8 / 2)))  # chi2(1) tail = erfc(sqrt(x/2))


def test_statistics_agree_with_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    import numpy as np

    table = [(10, 90), (20, 80), (15, 85)]
    assert stats.chi_square(table).p_value == pytest.approx(
        scipy_stats.chi2_contingency(np.array(table), correction=False)[1], rel=1e-9)
    a = np.array([1.0, 2, 3, 4, 5, 6, 7])
    b = np.array([3.0, 4, 5, 6, 7, 8, 12, 13])
    ours = stats.welch(a.mean(), a.var(ddof=1), len(a), b.mean(), b.var(ddof=1), len(b))
    theirs = scipy_stats.ttest_ind(b, a, equal_var=False)
    assert ours.statistic == pytest.approx(theirs.statistic) and ours.p_value == pytest.approx(theirs.pvalue)
    for df in (1, 3, 10, 57.3):
        assert stats.t_quantile(0.975, df) == pytest.approx(scipy_stats.t.ppf(0.975, df), rel=1e-7)
    assert stats.gamma_q(3, 2.5) == pytest.approx(scipy_stats.chi2.sf(5, 6))


def test_undefined_tests_answer_none_instead_of_dividing_by_zero():
    assert stats.chi_square([(0, 10), (0, 12)]) is None
    assert stats.welch(1.0, 0.0, 5, 1.0, 0.0, 5) is None
    assert stats.welch(1.0, 1.0, 1, 2.0, 1.0, 5) is None


def test_assignment_is_stable_and_follows_the_weights(db):
    experiment = experiments.create("weights", [{"name": "small", "weight": 1}, {"name": "big", "weight": 3}],
                                    "foryou_open")
    picks = [experiments.variant_for(experiment, user_id) for user_id in range(1, 4001)]
    assert picks == [experiments.variant_for(experiment, user_id) for user_id in range(1, 4001)]
    assert 0.22 < picks.count("small") / len(picks) < 0.28


def _weekly_views(days: int, end: date, shape) -> dict[int, dict]:
    return {1: {end - timedelta(days=d): shape(end - timedelta(days=d)) for d in range(1, days + 1)}}


def test_the_baseline_is_served_when_the_model_does_not_beat_it():
    end = date(2026, 11, 30)
    views = _weekly_views(120, end, lambda day: 6 if day.weekday() == 5 else 0)  # Saturdays only
    forecasts, reports = forecaster.forecast(views, end, airing={1})
    chosen = [r for r in reports if r.chosen]
    assert [r.model for r in chosen] == ["seasonal_naive"]
    assert {r.model: r.mae for r in reports}["seasonal_naive"] == 0
    daily, spread, model = forecasts[1]
    assert model == "seasonal_naive" and len(daily) == forecaster.HORIZON
    assert [daily[i] for i in range(7) if (end + timedelta(days=i)).weekday() == 5] == [6.0]


def test_the_model_is_served_when_it_beats_the_baseline_on_a_trend():
    end = date(2026, 11, 30)
    start = end - timedelta(days=120)
    views = _weekly_views(120, end, lambda day: (day - start).days // 2)  # steady growth
    forecasts, reports = forecaster.forecast(views, end, airing=set())
    errors = {r.model: r.mae for r in reports}
    assert errors["ridge"] < errors["seasonal_naive"]
    assert [r.model for r in reports if r.chosen] == ["ridge"]
    assert forecasts[1][2] == "ridge" and forecasts[1][0][0] > 50

"""Popularity forecasts (child process only: imports numpy and scikit-learn).

For each release the household watched lately: expected episode starts per day for the next
``HORIZON`` days. Two forecasters are compared in a rolling-origin backtest over the last
weeks: a seasonal-naive baseline (the same weekday last week) and a ridge regression on lag
and calendar features (yesterday, the same weekday last week, 7- and 28-day means, weekday,
airing). The one with the lower mean absolute error is served; its interval is the 90th
percentile of its backtest errors, and the report says how often the last backtest week fell
inside it (coverage).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

HORIZON = 90
HISTORY_DAYS = 120
ORIGINS = 4          # backtest origins, one week apart
STEP = 7             # days forecast from each origin
MIN_LAG = 28


@dataclass
class Report:
    model: str
    mae: float | None
    coverage: float | None
    points: int
    chosen: bool


def series(views: dict[int, dict], end: date, days: int = HISTORY_DAYS) -> tuple[date, dict[int, list[int]]]:
    """Dense daily counts per release for the ``days`` days ending the day before ``end``."""
    start = end - timedelta(days=days)
    out = {}
    for rid, per_day in views.items():
        out[rid] = [per_day.get(start + timedelta(days=i), 0) for i in range(days)]
    return start, out


def _features(history: list[float], weekday: int, airing: bool) -> list[float]:
    last7 = history[-7:]
    last28 = history[-28:]
    row = [history[-1], history[-7], sum(last7) / 7, sum(last28) / 28, 1.0 if airing else 0.0]
    return row + [1.0 if weekday == d else 0.0 for d in range(7)]


def naive(history: list[float], horizon: int) -> list[float]:
    """Seasonal naive: day t repeats day t-7."""
    week = history[-7:]
    return [float(week[i % 7]) for i in range(horizon)]


def fit(all_series: dict[int, list[int]], start: date, upto: int, airing: set[int]):
    """A ridge regression on every (release, day) before index ``upto``; None without data."""
    import numpy as np
    from sklearn.linear_model import Ridge

    rows, targets = [], []
    for rid, counts in all_series.items():
        for t in range(MIN_LAG, upto):
            rows.append(_features(counts[:t], (start + timedelta(days=t)).weekday(), rid in airing))
            targets.append(counts[t])
    if len(rows) < 20:
        return None
    return Ridge(alpha=1.0).fit(np.asarray(rows, dtype=np.float64), np.asarray(targets, dtype=np.float64))


def predict(model, history: list[float], first_day: date, horizon: int, airing: bool) -> list[float]:
    """Recursive forecast: each predicted day becomes history for the next. The ridge's
    prediction is its intercept plus the dot product with its coefficients, computed here:
    ``model.predict`` on one row costs ~100x more (input checks), and this runs per day per
    release."""
    history = list(history)
    coef, intercept = [float(c) for c in model.coef_], float(model.intercept_)
    out = []
    for h in range(horizon):
        row = _features(history, (first_day + timedelta(days=h)).weekday(), airing)
        value = intercept + sum(c * x for c, x in zip(coef, row))
        value = max(0.0, value)
        out.append(value)
        history.append(value)
    return out


def backtest(all_series: dict[int, list[int]], start: date, airing: set[int]):
    """Errors of both forecasters from ``ORIGINS`` weekly origins: {name: [(origin, errors)]}."""
    length = len(next(iter(all_series.values())))
    errors = {"seasonal_naive": [], "ridge": []}
    for k in range(ORIGINS, 0, -1):
        origin = length - k * STEP
        if origin < MIN_LAG + STEP:
            continue
        model = fit(all_series, start, origin, airing)
        for rid, counts in all_series.items():
            actual = counts[origin:origin + STEP]
            base = naive(counts[:origin], STEP)
            errors["seasonal_naive"].append((k, [abs(a - b) for a, b in zip(actual, base)]))
            if model is not None:
                day = start + timedelta(days=origin)
                guess = predict(model, counts[:origin], day, STEP, rid in airing)
                errors["ridge"].append((k, [abs(a - b) for a, b in zip(actual, guess)]))
    return errors


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def score(errors: list[tuple[int, list[float]]]) -> tuple[float | None, float | None, float, int]:
    """(MAE, coverage of the last origin inside the spread of the earlier ones, spread, points)."""
    flat = [e for _, errs in errors for e in errs]
    if not flat:
        return None, None, 0.0, 0
    earlier = [e for k, errs in errors if k != 1 for e in errs] or flat
    spread = _quantile(earlier, 0.9)
    last = [e for k, errs in errors if k == 1 for e in errs]
    coverage = (sum(1 for e in last if e <= spread) / len(last)) if last else None
    return sum(flat) / len(flat), coverage, spread, len(flat)


def forecast(views: dict[int, dict], today: date, airing: set[int], horizon: int = HORIZON):
    """({release id: (daily forecast, spread, model name)}, [Report]) for releases with views."""
    start, all_series = series(views, today)
    all_series = {rid: counts for rid, counts in all_series.items() if any(counts)}
    if not all_series:
        return {}, []
    errors = backtest(all_series, start, airing)
    scored = {name: score(errs) for name, errs in errors.items()}
    base_mae = scored["seasonal_naive"][0]
    ridge_mae = scored["ridge"][0]
    use_model = ridge_mae is not None and base_mae is not None and ridge_mae < base_mae
    chosen = "ridge" if use_model else "seasonal_naive"
    model = fit(all_series, start, len(next(iter(all_series.values()))), airing) if use_model else None
    if use_model and model is None:
        chosen = "seasonal_naive"
    spread = scored[chosen][2]
    out = {}
    for rid, counts in all_series.items():
        if chosen == "ridge":
            daily = predict(model, counts, today, horizon, rid in airing)
        else:
            daily = naive(counts, horizon)
        out[rid] = ([round(v, 3) for v in daily], spread, chosen)
    reports = [Report(name, mae, coverage, points, name == chosen)
               for name, (mae, coverage, _, points) in scored.items()]
    return out, reports

"""Serving the nightly popularity forecasts: expected household views of a release over
the next ``days`` (1..90), with an interval, and the backtest report that chose the model."""
from __future__ import annotations

import math

from ..errors import AppError, NotFound
from ..models import Forecast, ForecastReport, Release
from .recommendations import visible

MAX_DAYS = 90


def check_days(days) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise AppError(f"days: a whole number from 1 to {MAX_DAYS}.", field="days")
    return days


def prediction(release_id: int, days, cap: int | None) -> dict:
    """Expected views over ``days`` with a ~90% interval; ``model`` says which forecaster served
    it (``seasonal_naive`` when the model did not beat the baseline), None without recent views."""
    days = check_days(days)
    if not visible([release_id], cap):
        raise NotFound("No such release.", field="release_id")
    row = Forecast.get_or_none(Forecast.release == release_id)
    if row is None:
        return {"release_id": release_id, "days": days, "expected": 0.0, "low": 0.0, "high": 0.0,
                "model": None, "computed_at": None}
    daily = row.daily_list[:days]
    expected = sum(daily)
    half = row.spread * math.sqrt(len(daily))  # day errors taken as independent
    return {"release_id": release_id, "days": days, "expected": round(expected, 2),
            "low": round(max(0.0, expected - half), 2), "high": round(expected + half, 2),
            "model": row.model, "computed_at": row.start}


def latest_report() -> list[ForecastReport]:
    """The last backtest: one row per model, the served one marked ``chosen``."""
    last = ForecastReport.select(ForecastReport.computed_at).order_by(ForecastReport.id.desc()).first()
    if last is None:
        return []
    return list(ForecastReport.select().where(ForecastReport.computed_at == last.computed_at)
                .order_by(ForecastReport.model))


def top_forecasts(cap: int | None, days: int = 7, limit: int = 10) -> list[dict]:
    """The releases expected to be watched most over the next ``days``."""
    days = check_days(days)
    rows = [(r.release_id, sum(r.daily_list[:days])) for r in Forecast.select(Forecast.release, Forecast.daily)]
    rows.sort(key=lambda item: -item[1])
    ids = visible([rid for rid, _ in rows[: limit * 3]], cap)[:limit]
    totals = dict(rows)
    titles = dict(Release.select(Release.id, Release.title).where(Release.id.in_(ids)).tuples())
    return [{"release_id": rid, "title": titles.get(rid, ""), "expected": round(totals[rid], 2)} for rid in ids]

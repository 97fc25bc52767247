"""Cohorts and retention: who came back in the weeks (or months) after they started.

``first_view`` cohorts group members by the week/month of their first active day (a view or a
viewing session); a member counts as retained in period k when they were active in the k-th
period after their cohort's. ``release_start`` cohorts group (member, release) pairs by the
period the member first touched the release; retained means activity on that release.
The matrix is cohort x periods-since, as counts and rates, up to the period holding ``today``.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from ..models import DailyMember, DailyMemberRelease
from . import periods
from .member_stats import rollup_day

TYPES = ("first_view", "release_start")
PERIOD_GROUPS = ("week", "month")


def _offset(cohort: date, bucket: date, period: str) -> int:
    if period == "week":
        return (bucket - cohort).days // 7
    return (bucket.year - cohort.year) * 12 + bucket.month - cohort.month


def _activity(kind: str) -> dict:
    """Active days per subject: a member (first_view) or a (member, release) pair."""
    days = defaultdict(set)
    if kind == "first_view":
        for user_id, day in DailyMember.select(DailyMember.user, DailyMember.day).tuples():
            days[user_id].add(rollup_day(day))
    else:
        for user_id, release_id, day in (DailyMemberRelease.select(
                DailyMemberRelease.user, DailyMemberRelease.release, DailyMemberRelease.day).tuples()):
            days[(user_id, release_id)].add(rollup_day(day))
    return days


def matrix(kind: str, start: date, end: date, period: str, current: date) -> dict:
    """The retention matrix of cohorts starting between ``start`` and ``end`` (inclusive)."""
    last = periods.bucket(current, period)
    first_bucket, last_cohort = periods.bucket(start, period), periods.bucket(end, period)
    cohorts: dict[date, list[set[int]]] = {}
    for subject, active in _activity(kind).items():
        cohort = periods.bucket(min(active), period)
        if not first_bucket <= cohort <= last_cohort:
            continue
        width = _offset(cohort, last, period) + 1
        counts = cohorts.setdefault(cohort, [])
        touched = {_offset(cohort, periods.bucket(day, period), period) for day in active}
        while len(counts) < width:
            counts.append(set())
        for k in touched:
            if k < width:
                counts[k].add(subject)
    rows = []
    for cohort in sorted(cohorts):
        counts = [len(s) for s in cohorts[cohort]]
        size = counts[0] if counts else 0
        rows.append({"cohort": cohort, "size": size, "counts": counts,
                     "rates": [round(c / size, 3) if size else 0.0 for c in counts]})
    return {"type": kind, "period": period, "from": start, "to": end,
            "periods": max((len(r["counts"]) for r in rows), default=0), "cohorts": rows}

"""A member's own statistics (``/me/stats``, ``GET /api/v1/me/stats``) and year in review.

Everything comes from the roll-ups: a period reads the daily tables (``analytics_daily_member``,
``_daily_member_release``, ``_daily_dub``, ``_daily_hour``); all time reads the per-member
summaries the roll-up keeps (``analytics_member_release`` for favourites, ``_member_dub``,
``_member_hour``, ``_member_summary`` for totals, streak and years), plus two read-only looks
at the member's list (titles completed, mean score). So the statistics page costs a few
indexed queries over at most a few hundred small rows, whatever the length of the history.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from peewee import fn

from ..catalog.agecap import apply_age_cap
from ..models import (DailyDub, DailyHour, DailyMember, DailyMemberRelease, Genre, ListEntry,
                      MemberDub, MemberHour, MemberRelease, MemberSummary, Release, ReleaseGenre,
                      ReleaseStudio, Studio, Translation)
from . import periods

TOP_LIMIT = 5


def _between(model, start: date | None, end: date | None):
    condition = True
    if start is not None:
        condition = model.day >= start
    if end is not None:
        condition = (model.day <= end) if condition is True else condition & (model.day <= end)
    return condition


def _where(model, user_id: int, start: date | None, end: date | None):
    condition = _between(model, start, end)
    own = model.user == user_id
    return own if condition is True else own & condition


def totals(user_id: int, start: date | None = None, end: date | None = None) -> dict:
    """Episodes, hours, sessions and active days of one member between two days (inclusive)."""
    summary = _summary(user_id) if start is None and end is None else None
    if summary is not None:
        row = (summary.episodes, summary.watch_seconds, summary.sessions, summary.active_days)
    else:
        row = (DailyMember.select(fn.COALESCE(fn.SUM(DailyMember.episodes), 0),
                                  fn.COALESCE(fn.SUM(DailyMember.watch_seconds), 0),
                                  fn.COALESCE(fn.SUM(DailyMember.sessions), 0),
                                  fn.COUNT(DailyMember.id))
               .where(_where(DailyMember, user_id, start, end)).tuples().first())
    episodes, seconds, sessions, days = (int(v or 0) for v in row)
    return {"episodes": episodes, "watch_seconds": seconds, "hours": round(seconds / 3600, 1),
            "sessions": sessions, "active_days": days}


def _summary(user_id: int) -> MemberSummary | None:
    """The member's all-time summary row; None for a member the roll-up has not summed yet
    (nothing watched, or rolled up before m0022): callers then read the daily rows, which
    give the same answers."""
    return MemberSummary.get_or_none(MemberSummary.user == user_id)


def _all_time(user_id: int, start: date | None, end: date | None) -> bool:
    """True when the answer may come from the member's all-time summaries."""
    return start is None and end is None and _summary(user_id) is not None


def period_totals(user_id: int, current: date) -> dict[str, dict]:
    """``totals`` for this week, month, year and all time (the periods end today)."""
    return {"week": totals(user_id, periods.week_start(current), current),
            "month": totals(user_id, periods.month_start(current), current),
            "year": totals(user_id, current.replace(month=1, day=1), current),
            "all": totals(user_id)}


def daily_series(user_id: int, start: date, end: date, group: str = "day") -> list[dict]:
    """Episodes and watch seconds per day/week/month between two days, empty buckets included."""
    sums: dict[date, list[int]] = {b: [0, 0] for b in periods.buckets(start, end, group)}
    for day, episodes, seconds in (DailyMember.select(DailyMember.day, DailyMember.episodes,
                                                      DailyMember.watch_seconds)
                                   .where(_where(DailyMember, user_id, start, end)).tuples()):
        key = periods.bucket(rollup_day(day), group)
        sums[key][0] += episodes
        sums[key][1] += seconds
    return [{"day": b, "episodes": v[0], "watch_seconds": v[1]} for b, v in sums.items()]


def rollup_day(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def completed_titles(user_id: int) -> int:
    """Titles on the member's list as completed (or being rewatched, which means completed once)."""
    return ListEntry.select().where((ListEntry.user == user_id)
                                    & ListEntry.status.in_(("completed", "rewatching"))).count()


def mean_score(user_id: int) -> float | None:
    value = (ListEntry.select(fn.AVG(ListEntry.score))
             .where((ListEntry.user == user_id) & ListEntry.score.is_null(False)).scalar())
    return round(float(value), 2) if value is not None else None


def _grain(user_id: int, start: date | None, end: date | None):
    """All time: the per-release totals (one row per release); a period: the daily rows."""
    if start is None and end is None:
        return MemberRelease, MemberRelease.user == user_id
    return DailyMemberRelease, _where(DailyMemberRelease, user_id, start, end)


def _top_by(link_model, link_field, name_model, user_id, start, end, limit):
    source, condition = _grain(user_id, start, end)
    seconds = fn.SUM(source.watch_seconds)
    query = (source
             .select(name_model.name, seconds.alias("seconds"), fn.SUM(source.episodes).alias("episodes"))
             .join(link_model, on=(link_model.release == source.release))
             .join(name_model, on=(getattr(link_model, link_field) == name_model.id))
             .where(condition)
             .group_by(name_model.id, name_model.name)
             .order_by(seconds.desc(), name_model.name).limit(limit))
    return [{"name": name, "watch_seconds": int(secs or 0), "episodes": int(eps or 0)}
            for name, secs, eps in query.tuples()]


def top_genres(user_id: int, start: date | None = None, end: date | None = None,
               limit: int = TOP_LIMIT) -> list[dict]:
    """Genres by the member's watch time (a release's time counts for each of its genres)."""
    return _top_by(ReleaseGenre, "genre", Genre, user_id, start, end, limit)


def top_studios(user_id: int, start: date | None = None, end: date | None = None,
                limit: int = TOP_LIMIT) -> list[dict]:
    return _top_by(ReleaseStudio, "studio", Studio, user_id, start, end, limit)


def dubs(user_id: int, start: date | None = None, end: date | None = None,
         limit: int = TOP_LIMIT) -> list[dict]:
    """Dub teams by the member's watch time (all time: from the member's per-dub summary)."""
    source = MemberDub if _all_time(user_id, start, end) else DailyDub
    condition = (MemberDub.user == user_id) if source is MemberDub else _where(DailyDub, user_id, start, end)
    seconds = fn.SUM(source.watch_seconds)
    query = (source.select(Translation.team, seconds, fn.SUM(source.episodes))
             .join(Translation, on=(source.translation == Translation.id))
             .where(condition)
             .group_by(Translation.team).order_by(seconds.desc(), Translation.team).limit(limit))
    return [{"name": team, "watch_seconds": int(secs or 0), "episodes": int(eps or 0)}
            for team, secs, eps in query.tuples()]


def top_releases(user_id: int, start: date | None = None, end: date | None = None,
                 limit: int = TOP_LIMIT, age_cap: int | None = None) -> list[dict]:
    """The member's releases by watch time (only those allowed under ``age_cap``: a shared
    year in review shown to a capped member never names a title beyond their cap)."""
    source, condition = _grain(user_id, start, end)
    seconds = fn.SUM(source.watch_seconds)
    query = apply_age_cap(source.select(Release.id, Release.title, seconds, fn.SUM(source.episodes))
                          .join(Release, on=(source.release == Release.id)).where(condition), age_cap)
    query = query.group_by(Release.id, Release.title).order_by(seconds.desc(), Release.title).limit(limit)
    return [{"release_id": rid, "title": title, "watch_seconds": int(secs or 0),
             "episodes": int(eps or 0)} for rid, title, secs, eps in query.tuples()]


def heatmap(user_id: int, start: date | None = None, end: date | None = None) -> list[list[int]]:
    """Watch seconds by local weekday (0 = Monday) x hour of the day when sessions started."""
    grid = [[0] * 24 for _ in range(7)]
    if _all_time(user_id, start, end):
        query = (MemberHour.select(MemberHour.weekday, MemberHour.hour, MemberHour.watch_seconds)
                 .where(MemberHour.user == user_id))
    else:
        query = (DailyHour.select(DailyHour.weekday, DailyHour.hour, fn.SUM(DailyHour.watch_seconds))
                 .where(_where(DailyHour, user_id, start, end))
                 .group_by(DailyHour.weekday, DailyHour.hour))
    for weekday, hour, seconds in query.tuples():
        grid[weekday][hour] = int(seconds or 0)
    return grid


def longest_streak(user_id: int, start: date | None = None, end: date | None = None) -> dict:
    """The longest run of consecutive days with at least one viewing session."""
    summary = _summary(user_id) if start is None and end is None else None
    if summary is not None:
        return {"days": summary.streak_days, "first": summary.streak_first and rollup_day(summary.streak_first),
                "last": summary.streak_last and rollup_day(summary.streak_last)}
    days = sorted(rollup_day(d) for (d,) in DailyMember.select(DailyMember.day)
                  .where(_where(DailyMember, user_id, start, end) & (DailyMember.sessions > 0))
                  .tuples())
    best = (0, None, None)
    run_start = previous = None
    for day in days:
        if previous is None or day != previous + timedelta(days=1):
            run_start = day
        length = (day - run_start).days + 1
        if length > best[0]:
            best = (length, run_start, day)
        previous = day
    return {"days": best[0], "first": best[1], "last": best[2]}


def stats(user_id: int, current: date) -> dict:
    """Everything on the member's statistics page, JSON-ready apart from dates."""
    return {
        "periods": period_totals(user_id, current),
        "completed_titles": completed_titles(user_id),
        "mean_score": mean_score(user_id),
        "top_genres": top_genres(user_id),
        "top_studios": top_studios(user_id),
        "dubs": dubs(user_id),
        "heatmap": heatmap(user_id),
        "longest_streak": longest_streak(user_id),
        "weekly": daily_series(user_id, periods.week_start(current) - timedelta(weeks=11),
                               current, "week"),
    }


def years(user_id: int) -> list[int]:
    """Years in which the member watched anything, newest first."""
    summary = _summary(user_id)
    if summary is not None:
        return [int(y) for y in summary.years.split(",") if y]
    found = {rollup_day(d).year for (d,) in DailyMember.select(DailyMember.day)
             .where(DailyMember.user == user_id).tuples()}
    return sorted(found, reverse=True)


def year_in_review(user_id: int, year: int, age_cap: int | None = None) -> dict:
    """One member's year: totals, top titles (under the reader's ``age_cap``), genres, dubs,
    busiest month, longest streak."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    months = Counter()
    for day, seconds in (DailyMember.select(DailyMember.day, DailyMember.watch_seconds)
                         .where(_where(DailyMember, user_id, start, end)).tuples()):
        months[rollup_day(day).month] += seconds
    busiest = max(months.items(), key=lambda kv: (kv[1], -kv[0]))[0] if months else None
    finished = (ListEntry.select().where((ListEntry.user == user_id)
                                         & (ListEntry.status == "completed")
                                         & (ListEntry.finished_on >= start)
                                         & (ListEntry.finished_on <= end)).count())
    return {"year": year, "totals": totals(user_id, start, end),
            "completed_titles": finished,
            "top_releases": top_releases(user_id, start, end, age_cap=age_cap),
            "top_genres": top_genres(user_id, start, end),
            "dubs": dubs(user_id, start, end, 3),
            "busiest_month": busiest,
            "months": [months.get(m, 0) for m in range(1, 13)],
            "longest_streak": longest_streak(user_id, start, end)}

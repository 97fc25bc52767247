"""The owner's dashboard queries: views and watch time per day, top content, active members,
most used dubs, catalog size and sync health. Every one reads the daily roll-ups (O(days)).

Top content honours the viewer's age cap (``agecap.apply_age_cap``), so a capped admin
never sees a title they could not open.
"""
from __future__ import annotations

from datetime import date, timedelta

from peewee import fn

from ..catalog.agecap import apply_age_cap
from ..clock import utcnow
from ..models import (DailyDub, DailyMember, DailyMemberRelease, DailyRelease, Episode, JobRun,
                      Release, Translation)
from . import periods
from .member_stats import rollup_day

TOP_BY = ("views", "episodes", "members")
LONG_PERIOD_DAYS = 180  # from here on, top content counts its members through the release index
SYNC_JOBS = ("kodik-sync", "kodik-full-sync", "kodik-demo")
#: Cache tags dropped when a sync ends (the cache drops ``job:<id>`` on ``job_finished``).
HEALTH_TAGS = tuple(f"job:{job}" for job in SYNC_JOBS)


def _range(model, start: date | None, end: date | None):
    condition = model.day <= end
    return condition if start is None else condition & (model.day >= start)


def views_series(start: date, end: date, group: str = "day") -> list[dict]:
    """Per day/week/month: views, episode starts, watch seconds, completed episodes, active members."""
    buckets = {b: [0, 0, 0, 0, set()] for b in periods.buckets(start, end, group)}
    for day, user_id, views, starts, seconds, episodes in (
            DailyMember.select(DailyMember.day, DailyMember.user, DailyMember.views,
                               DailyMember.starts, DailyMember.watch_seconds, DailyMember.episodes)
            .where(_range(DailyMember, start, end)).tuples()):
        row = buckets[periods.bucket(rollup_day(day), group)]
        row[0] += views
        row[1] += starts
        row[2] += seconds
        row[3] += episodes
        row[4].add(user_id)
    return [{"day": b, "views": r[0], "starts": r[1], "watch_seconds": r[2], "episodes": r[3],
             "active_members": len(r[4])} for b, r in buckets.items()]


def top_content(start: date | None, end: date, by: str = "views", limit: int = 10,
                age_cap: int | None = None) -> list[dict]:
    """Releases ranked by views, completed episodes or distinct members in a period."""
    if by == "members":
        measure = fn.COUNT(DailyMemberRelease.user.distinct())
        query = (DailyMemberRelease.select(Release.id, Release.title, measure.alias("value"),
                                           fn.SUM(DailyMemberRelease.views),
                                           fn.SUM(DailyMemberRelease.episodes),
                                           fn.SUM(DailyMemberRelease.watch_seconds))
                 .join(Release, on=(DailyMemberRelease.release == Release.id))
                 .where(_range(DailyMemberRelease, start, end)))
    else:
        measure = fn.SUM(DailyRelease.views if by == "views" else DailyRelease.episodes)
        query = (DailyRelease.select(Release.id, Release.title, measure.alias("value"),
                                     fn.SUM(DailyRelease.views), fn.SUM(DailyRelease.episodes),
                                     fn.SUM(DailyRelease.watch_seconds))
                 .join(Release, on=(DailyRelease.release == Release.id))
                 .where(_range(DailyRelease, start, end)))
    query = apply_age_cap(query, age_cap)
    query = (query.group_by(Release.id, Release.title).having(measure > 0)
             .order_by(measure.desc(), Release.title).limit(limit))
    rows = [{"release_id": rid, "title": title, "value": int(value or 0), "views": int(v or 0),
             "episodes": int(e or 0), "watch_seconds": int(s or 0)}
            for rid, title, value, v, e, s in query.tuples()]
    if by != "members" and rows:
        # Distinct members of the top releases in the period. For a short period through the
        # day index (``release + 0`` keeps the planner off the release index, which would walk
        # the busiest releases' whole history); for a long one (or all time) through the
        # release index: their whole history is then about what the period holds anyway, and
        # the day index would walk every member's every release (year: 29 -> 12 ms).
        ids = [r["release_id"] for r in rows]
        long_period = start is None or (end - start).days >= LONG_PERIOD_DAYS
        release = DailyMemberRelease.release if long_period else DailyMemberRelease.release + 0
        members = dict(DailyMemberRelease
                       .select(DailyMemberRelease.release, fn.COUNT(DailyMemberRelease.user.distinct()))
                       .where(_range(DailyMemberRelease, start, end) & release.in_(ids))
                       .group_by(DailyMemberRelease.release).tuples())
    else:
        members = {r["release_id"]: r["value"] for r in rows}
    for row in rows:
        row["members"] = int(members.get(row["release_id"], 0))
    return rows


def active_members(current: date) -> dict:
    """How many members were active today, in the last 7 and 30 days, and all time."""
    def count(start):
        query = DailyMember.select(fn.COUNT(DailyMember.user.distinct()))
        if start is not None:
            query = query.where(DailyMember.day >= start)
        return int(query.scalar() or 0)

    return {"today": count(current), "7d": count(current - timedelta(days=6)),
            "30d": count(current - timedelta(days=29)), "all": count(None)}


def top_dubs(start: date | None, end: date, limit: int = 10) -> list[dict]:
    """Dub teams by watch time, with completed episodes and distinct members."""
    seconds = fn.SUM(DailyDub.watch_seconds)
    query = (DailyDub.select(Translation.team, seconds, fn.SUM(DailyDub.episodes),
                             fn.COUNT(DailyDub.user.distinct()))
             .join(Translation, on=(DailyDub.translation == Translation.id))
             .where(_range(DailyDub, start, end))
             .group_by(Translation.team).order_by(seconds.desc(), Translation.team).limit(limit))
    return [{"name": team, "watch_seconds": int(s or 0), "episodes": int(e or 0),
             "members": int(m or 0)} for team, s, e, m in query.tuples()]


def totals(start: date | None, end: date) -> dict:
    row = (DailyMember.select(fn.COALESCE(fn.SUM(DailyMember.views), 0),
                              fn.COALESCE(fn.SUM(DailyMember.watch_seconds), 0),
                              fn.COALESCE(fn.SUM(DailyMember.episodes), 0),
                              fn.COUNT(DailyMember.user.distinct()))
           .where(_range(DailyMember, start, end)).tuples().first())
    views, seconds, episodes, members = (int(v or 0) for v in row)
    return {"views": views, "watch_seconds": seconds, "hours": round(seconds / 3600, 1),
            "episodes": episodes, "members": members}


def catalog_health(now=None) -> dict:
    """Catalog size and how the Kodik syncs went lately."""
    now = now or utcnow()
    last = JobRun.select().where(JobRun.job_id.in_(SYNC_JOBS)).order_by(JobRun.id.desc()).first()
    ok = (JobRun.select().where(JobRun.job_id.in_(SYNC_JOBS) & (JobRun.status == "succeeded"))
          .order_by(JobRun.id.desc()).first())
    failed = (JobRun.select().where(JobRun.job_id.in_(SYNC_JOBS) & (JobRun.status == "failed")
                                    & (JobRun.started_at >= now - timedelta(days=7))).count())
    return {
        "releases": Release.select().where(Release.available == True).count(),  # noqa: E712
        "translations": Translation.select().where(Translation.available == True).count(),  # noqa: E712
        "episodes": Episode.select().count(),
        "last_sync": last.started_at if last else None,
        "last_sync_status": last.status if last else None,
        "last_success": ok.finished_at if ok else None,
        "failed_7d": failed,
        "healthy": bool(ok) and failed == 0 and (last is None or last.status != "failed"),
    }

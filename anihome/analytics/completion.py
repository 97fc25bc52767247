"""Completion and drop-off per release: how many members started it, finished it, are still
on it, or stopped -- and at which episode they stopped.

Reads the roll-up's per (member, release) rows (``analytics_member_release``: episodes marked
watched and the latest progress, copied from ``watch_progress`` by the roll-up), so a page
never groups the whole progress table. A member "stopped" when the release is unfinished and
their progress on it is older than ``STALE_DAYS`` (the same rule marks "at risk of dropping"
in member analytics).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from peewee import fn

from ..catalog.agecap import apply_age_cap
from ..clock import utcnow
from ..models import MemberRelease, Release

STALE_DAYS = 21


def _total(release: Release) -> int | None:
    if release.kind == "movie":
        return 1
    return release.episodes_total or release.episodes_aired or None


def per_member_release(user_id: int | None = None):
    """(user_id, release_id, watched episodes, last progress time) for every started pair."""
    query = (MemberRelease.select(MemberRelease.user, MemberRelease.release,
                                  MemberRelease.watched_episodes, MemberRelease.last_progress_at)
             .where(MemberRelease.last_progress_at.is_null(False)))
    if user_id is not None:
        query = query.where(MemberRelease.user == user_id)
    return [(u, r, int(w or 0), _dt(t)) for u, r, w, t in query.tuples()]


def _dt(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def completion(limit: int = 20, age_cap: int | None = None, now: datetime | None = None) -> list[dict]:
    """Releases with the most members who started them: started, completed, watching,
    stopped, completion rate, and a drop-off histogram {episode: members who stopped there}."""
    now = now or utcnow()
    stale = now - timedelta(days=STALE_DAYS)
    started = fn.COUNT(MemberRelease.id)
    top = apply_age_cap(
        MemberRelease.select(Release.id, Release.title, Release.kind, Release.episodes_total,
                             Release.episodes_aired, started)
        .join(Release, on=(MemberRelease.release == Release.id))
        .where(MemberRelease.last_progress_at.is_null(False)), age_cap)
    top = top.group_by(Release.id, Release.title, Release.kind, Release.episodes_total,
                       Release.episodes_aired).order_by(started.desc(), Release.title).limit(limit)
    releases = {rid: Release(id=rid, title=title, kind=kind, episodes_total=total, episodes_aired=aired)
                for rid, title, kind, total, aired, _ in top.tuples()}
    if not releases:
        return []
    pairs = defaultdict(list)
    for release_id, watched, last in (MemberRelease.select(MemberRelease.release, MemberRelease.watched_episodes,
                                                           MemberRelease.last_progress_at)
                                      .where(MemberRelease.release.in_(list(releases))
                                             & MemberRelease.last_progress_at.is_null(False)).tuples()):
        pairs[release_id].append((int(watched or 0), _dt(last)))
    out = []
    for release_id, members in pairs.items():
        release = releases[release_id]
        total = _total(release)
        done = stopped = watching = 0
        dropoff = Counter()
        for watched, last in members:
            if total and watched >= total:
                done += 1
            elif last < stale:
                stopped += 1
                dropoff[watched] += 1
            else:
                watching += 1
        out.append({"release_id": release_id, "title": release.title, "episodes_total": total,
                    "started": len(members), "completed": done, "watching": watching,
                    "stopped": stopped, "completion_rate": round(done / len(members), 3),
                    "dropoff": dict(sorted(dropoff.items()))})
    out.sort(key=lambda r: (-r["started"], -r["completed"], r["title"]))
    return out


def at_risk(user_id: int, now: datetime | None = None) -> list[dict]:
    """A member's started, unfinished releases without progress for STALE_DAYS days."""
    now = now or utcnow()
    stale = now - timedelta(days=STALE_DAYS)
    rows = [(r, w, t) for _, r, w, t in per_member_release(user_id) if t < stale]
    if not rows:
        return []
    releases = {r.id: r for r in Release.select().where(Release.id.in_([r for r, _, _ in rows]))}
    out = []
    for release_id, watched, last in rows:
        release = releases[release_id]
        total = _total(release)
        if total and watched >= total:
            continue
        out.append({"release_id": release_id, "title": release.title, "watched": watched,
                    "episodes_total": total, "last_progress": last,
                    "days_idle": (now - last).days})
    out.sort(key=lambda r: r["last_progress"], reverse=True)
    return out

"""The daily roll-up: view and watch events summed per day into the ``analytics_daily_*`` tables.

Every chart and report reads these tables (O(days)), never the raw logs. The roll-up is
incremental: it finds the (member, day) pairs touched since its last run -- views with a
higher id, watch events whose ``ended_at`` moved past the watermark (the open session's
row is extended in place), and every day of members whose history was deleted -- and
recomputes exactly those pairs from the raw logs. ``run(full=True)`` recomputes every
pair; the two give the same tables (a test holds them together).

Per watch event (a viewing session): its local start day and hour, ``watch_seconds`` =
ended_at - started_at (0..MAX_SESSION_SECONDS), one session, one episode when completed.
Per view event: ``views`` + 1, and ``starts`` + 1 when it started an episode.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from .. import events
from ..clock import utcnow
from ..db import database, portable_sql, write_transaction
from ..i18n import N_
from ..models import (DailyDub, DailyHour, DailyMember, DailyMemberRelease, DailyRelease,
                      RollupDirty, RollupState,
                      User)
from ..models.analytics import ROLLUP_TABLES
from . import periods
from .member_totals import as_date, as_datetime, insert_rows, redo_totals, select_rows

log = logging.getLogger(__name__)

MAX_SESSION_SECONDS = 6 * 3600
#: Watch events saved up to this long before a run's start are read again by the next run
#: (a save whose transaction committed after the run read the log is never missed).
SLACK = timedelta(minutes=10)
ALL = None  # "every day of this member"
_CHUNK = 400


class _Localizer:
    """Naive-UTC timestamps -> (local day, local hour), with the UTC offset cached per hour."""

    def __init__(self, tz):
        self.tz = tz
        self._offsets: dict = {}

    def __call__(self, moment: datetime) -> tuple[date, int]:
        key = (moment.year, moment.month, moment.day, moment.hour)
        offset = self._offsets.get(key)
        if offset is None:
            offset = moment.replace(tzinfo=timezone.utc).astimezone(self.tz).utcoffset()
            self._offsets[key] = offset
        local = moment + offset
        return local.date(), local.hour


@dataclass
class _Sums:
    """The recomputed rows for some (member, day) pairs, keyed like the tables' unique indexes."""

    member_release: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0, 0]))
    dub: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    hour: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


def _add_events(rows, sums_of, days_of, local) -> None:
    """Add watch-event rows (user_id first) to each member's sums, keeping only their days."""
    for user_id, release_id, translation_id, started, ended, completed in rows:
        started, ended = as_datetime(started), as_datetime(ended)
        day, hr = local(started)
        days = days_of(user_id)
        if days is not None and day not in days:
            continue
        sums = sums_of(user_id)
        seconds = int((ended - started).total_seconds())
        seconds = 0 if seconds < 0 else min(seconds, MAX_SESSION_SECONDS)
        done = 1 if completed else 0
        row = sums.member_release[(day, release_id)]
        row[2] += seconds
        row[3] += done
        row[4] += 1
        if translation_id is not None:
            d = sums.dub[(day, translation_id)]
            d[0] += seconds
            d[1] += done
            d[2] += 1
        h = sums.hour[(day, hr)]
        h[0] += seconds
        h[1] += 1


def _add_views(rows, sums_of, days_of, local) -> None:
    for user_id, release_id, kind, at in rows:
        day, _ = local(as_datetime(at))
        days = days_of(user_id)
        if days is not None and day not in days:
            continue
        row = sums_of(user_id).member_release[(day, release_id)]
        row[0] += 1
        if kind == "episode":
            row[1] += 1


_EVENT_COLUMNS = "user_id, release_id, translation_id, started_at, ended_at, completed"


def aggregate(user_id: int, days: set[date] | None, tz) -> _Sums:
    """Sum one member's raw events for ``days`` (None: every day) without writing anything.

    Reads only the member's rows from the first asked day on (their time indexes)."""
    local = _Localizer(tz)
    sums = _Sums()
    start = periods.day_start_utc(min(days), tz) if days else None
    end = periods.day_start_utc(max(days) + timedelta(days=1), tz) if days else None
    params: list = [user_id]
    where = ""
    if start is not None:
        where = " AND ended_at >= ?"
        params.append(start)
    rows = select_rows(f"SELECT {_EVENT_COLUMNS} FROM watch_event WHERE user_id = ?{where}", params)
    _add_events(rows, lambda _u: sums, lambda _u: days, local)
    params = [user_id]
    where = ""
    if start is not None:
        where += " AND at >= ? AND at < ?"
        params += [start, end]
    rows = select_rows(f"SELECT user_id, release_id, kind, at FROM analytics_view WHERE user_id = ?{where}", params)
    _add_views(rows, lambda _u: sums, lambda _u: days, local)
    return sums


def aggregate_all(tz) -> dict[int, _Sums]:
    """Every member's sums for every day, from one sequential pass over each log (a rebuild:
    per-member index walks would read the whole table once per member)."""
    local = _Localizer(tz)
    sums: dict[int, _Sums] = defaultdict(_Sums)
    cursor = database.execute_sql(f"SELECT {_EVENT_COLUMNS} FROM watch_event")
    while True:
        rows = cursor.fetchmany(20000)
        if not rows:
            break
        _add_events(rows, sums.__getitem__, lambda _u: None, local)
    cursor = database.execute_sql("SELECT user_id, release_id, kind, at FROM analytics_view")
    while True:
        rows = cursor.fetchmany(20000)
        if not rows:
            break
        _add_views(rows, sums.__getitem__, lambda _u: None, local)
    return sums


def _member_rows(user_id: int, sums: _Sums) -> tuple[list, list, list, list]:
    mr_rows, per_day = [], defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for (day, release_id), (views, starts, secs, eps, sessions) in sums.member_release.items():
        mr_rows.append({"day": day, "user": user_id, "release": release_id, "views": views,
                        "starts": starts, "watch_seconds": secs, "episodes": eps,
                        "sessions": sessions})
        total = per_day[day]
        for i, value in enumerate((views, starts, secs, eps, sessions, 1)):
            total[i] += value
    member_rows = [{"day": day, "user": user_id, "views": t[0], "starts": t[1],
                    "watch_seconds": t[2], "episodes": t[3], "sessions": t[4], "releases": t[5]}
                   for day, t in per_day.items()]
    dub_rows = [{"day": day, "user": user_id, "translation": tid, "watch_seconds": v[0],
                 "episodes": v[1], "sessions": v[2]} for (day, tid), v in sums.dub.items()]
    hour_rows = [{"day": day, "user": user_id, "weekday": day.weekday(), "hour": hr,
                  "watch_seconds": v[0], "sessions": v[1]} for (day, hr), v in sums.hour.items()]
    return mr_rows, member_rows, dub_rows, hour_rows


def _existing_days(user_id: int) -> set[date]:
    return {as_date(d) for (d,) in select_rows(
        "SELECT day FROM analytics_daily_member_release WHERE user_id = ? GROUP BY day", [user_id])}


def _redo_member(user_id: int, days: set[date] | None, tz, sums: _Sums | None = None) -> set[date]:
    """Recompute one member's rows for ``days`` (None: all); returns the days touched."""
    sums = aggregate(user_id, days, tz) if sums is None else sums
    mr_rows, member_rows, dub_rows, hour_rows = _member_rows(user_id, sums)
    touched = set(days) if days is not None else {r["day"] for r in member_rows}
    with write_transaction():
        if days is None:
            touched |= _existing_days(user_id)
            for model in (DailyMemberRelease, DailyMember, DailyDub, DailyHour):
                model.delete().where(model.user == user_id).execute()
        else:
            listed = sorted(days)
            for start in range(0, len(listed), _CHUNK):
                chunk = listed[start:start + _CHUNK]
                for model in (DailyMemberRelease, DailyMember, DailyDub, DailyHour):
                    model.delete().where((model.user == user_id) & model.day.in_(chunk)).execute()
        insert_rows(DailyMemberRelease, mr_rows)
        insert_rows(DailyMember, member_rows)
        insert_rows(DailyDub, dub_rows)
        insert_rows(DailyHour, hour_rows)
    return touched


_RELEASE_SQL = (
    "INSERT INTO analytics_daily_release (day, release_id, views, starts, watch_seconds,"
    " episodes, sessions, members)"
    " SELECT day, release_id, SUM(views), SUM(starts), SUM(watch_seconds), SUM(episodes),"
    " SUM(sessions), COUNT(*) FROM analytics_daily_member_release{where} GROUP BY day, release_id")


def _redo_releases(days: set[date] | None) -> None:
    """Rebuild the per-release rows of ``days`` (None: all) from the member x release grain."""
    if days is None:
        with write_transaction():
            DailyRelease.delete().execute()
            database.execute_sql(_RELEASE_SQL.format(where=""))
        return
    listed = sorted(days)
    for start in range(0, len(listed), _CHUNK):
        chunk = listed[start:start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        with write_transaction():
            DailyRelease.delete().where(DailyRelease.day.in_(chunk)).execute()
            database.execute_sql(portable_sql(_RELEASE_SQL.format(where=f" WHERE day IN ({marks})")),
                                 chunk)


def _state() -> RollupState:
    state = RollupState.select().order_by(RollupState.id).first()
    return state or RollupState(last_view_id=0, event_watermark=None, timezone="UTC")


def _touched_pairs(state: RollupState, max_view_id: int, tz) -> dict[int, set[date] | None]:
    local = _Localizer(tz)
    pairs: dict[int, set[date] | None] = defaultdict(set)
    for user_id, at in select_rows("SELECT user_id, at FROM analytics_view WHERE id > ? AND id <= ?",
                               [state.last_view_id, max_view_id]):
        pairs[user_id].add(local(as_datetime(at))[0])
    since = (state.event_watermark or datetime.min) - SLACK
    for (user_id,) in select_rows('SELECT id FROM "user"', []):
        for (started,) in select_rows("SELECT started_at FROM watch_event WHERE user_id = ? AND ended_at >= ?",
                                  [user_id, since]):
            pairs[user_id].add(local(as_datetime(started))[0])
    for (user_id,) in select_rows("SELECT user_id FROM analytics_rollup_dirty", []):
        pairs[user_id] = ALL
    return pairs


@dataclass
class RollupResult:
    members: int
    days: int
    full: bool


def run(tz_name: str, full: bool = False, now: datetime | None = None, progress=None) -> RollupResult:
    """Roll new events into the daily tables (``full``: rebuild them from the raw logs)."""
    now = now or utcnow()
    tz = periods.zone(tz_name)
    state = _state()
    full = full or state.id is None or state.timezone != tz_name
    (max_view_id,) = select_rows("SELECT COALESCE(MAX(id), 0) FROM analytics_view", [])[0]
    dirty_before = now
    if full:
        pairs = {user_id: ALL for (user_id,) in select_rows('SELECT id FROM "user"', [])}
        with write_transaction():
            for model in ROLLUP_TABLES:
                model.delete().execute()
    else:
        pairs = _touched_pairs(state, max_view_id, tz)
    days: set[date] = set()
    everything = aggregate_all(tz) if full else None
    for index, (user_id, member_days) in enumerate(sorted(pairs.items())):
        if member_days is not ALL and not member_days:
            continue
        days |= _redo_member(user_id, member_days, tz, everything.get(user_id, _Sums()) if full else None)
        redo_totals(user_id)
        if progress:
            progress((index + 1) / max(len(pairs), 1) * 0.9,
                     N_("member %(n)s of %(total)s") % {"n": index + 1, "total": len(pairs)})
    _redo_releases(None if full else days)
    for (user_id,) in select_rows("SELECT DISTINCT user_id FROM analytics_daily_member WHERE user_id NOT IN"
                              " (SELECT user_id FROM analytics_member_summary)", []):
        redo_totals(user_id)  # rolled up before the summaries existed (m0022): sum them now
    with write_transaction():
        RollupDirty.delete().where(RollupDirty.marked_at <= dirty_before).execute()
        if state.id is None:
            state = RollupState.create(last_view_id=max_view_id, event_watermark=now,
                                       timezone=tz_name, rolled_at=utcnow())
        else:
            RollupState.update(last_view_id=max_view_id, event_watermark=now, timezone=tz_name,
                               rolled_at=utcnow()).where(RollupState.id == state.id).execute()
    result = RollupResult(members=len([p for p in pairs.values() if p is ALL or p]),
                          days=len(days), full=full)
    log.info("analytics rollup full=%s members=%s days=%s", full, result.members, result.days)
    events.analytics_rolled_up.send(None, full=full)
    return result


def mark_dirty(user_id: int, now: datetime | None = None) -> None:
    """Roll every day of this member again next time (their history was deleted)."""
    now = now or utcnow()
    with write_transaction():
        updated = (RollupDirty.update(marked_at=now).where(RollupDirty.user == user_id).execute())
        if not updated and User.get_or_none(User.id == user_id) is not None:
            RollupDirty.create(user=user_id, marked_at=now)


def last_rolled_at() -> datetime | None:
    state = RollupState.select().order_by(RollupState.id).first()
    return state.rolled_at if state else None

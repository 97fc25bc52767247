"""One member's all-time analytics rows, rebuilt from their daily rows and watch progress.

The roll-up (``rollup.run``) calls ``redo_totals`` for each member whose days it redid: per release
totals, dubs, weekday x hour, and the summary (totals, the longest streak, the active years) that
the statistics page reads instead of a year of daily rows.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from ..db import database, executemany, portable_sql, write_transaction
from ..models import MemberDub, MemberHour, MemberRelease, MemberSummary


def as_datetime(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def select_rows(sql: str, params) -> list[tuple]:
    return database.execute_sql(portable_sql(sql), params).fetchall()


def _plain(value):
    """Dates and times as the text peewee stores in SQLite (YYYY-MM-DD[ HH:MM:SS])."""
    if isinstance(value, datetime):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def insert_rows(model, rows: list[dict]) -> None:
    """Bulk insert with executemany (peewee's insert_many costs ~10 us a row in Python)."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(model._meta.fields[c].column_name for c in columns)
    sql = f"INSERT INTO {model._meta.table_name} ({names}) VALUES ({', '.join('?' for _ in columns)})"
    values = [tuple(_plain(v) for v in (row[c] for c in columns)) for row in rows]
    for start in range(0, len(values), 5000):
        executemany(sql, values[start:start + 5000])


def redo_totals(user_id: int) -> None:
    """Rebuild one member's all-time rows per release from their daily rows and progress."""
    totals: dict[int, dict] = {}
    for release_id, views, starts, secs, eps, sessions, first, last in select_rows(
            "SELECT release_id, SUM(views), SUM(starts), SUM(watch_seconds), SUM(episodes),"
            " SUM(sessions), MIN(day), MAX(day) FROM analytics_daily_member_release"
            " WHERE user_id = ? GROUP BY release_id", [user_id]):
        totals[release_id] = {"user": user_id, "release": release_id, "views": views, "starts": starts,
                              "watch_seconds": secs, "episodes": eps, "sessions": sessions,
                              "first_day": as_date(first), "last_day": as_date(last),
                              "watched_episodes": 0, "last_progress_at": None}
    for release_id, watched, latest in select_rows(
            "SELECT release_id, SUM(CASE WHEN watched THEN 1 ELSE 0 END), MAX(updated_at)"
            " FROM watch_progress WHERE user_id = ? GROUP BY release_id", [user_id]):
        row = totals.setdefault(release_id, {
            "user": user_id, "release": release_id, "views": 0, "starts": 0, "watch_seconds": 0,
            "episodes": 0, "sessions": 0, "first_day": None, "last_day": None})
        row["watched_episodes"], row["last_progress_at"] = int(watched or 0), as_datetime(latest)
    dubs = [{"user": user_id, "translation": tid, "watch_seconds": secs, "episodes": eps,
             "sessions": sessions} for tid, secs, eps, sessions in select_rows(
        "SELECT translation_id, SUM(watch_seconds), SUM(episodes), SUM(sessions)"
        " FROM analytics_daily_dub WHERE user_id = ? GROUP BY translation_id", [user_id])]
    hours = [{"user": user_id, "weekday": weekday, "hour": hr, "watch_seconds": secs,
              "sessions": sessions} for weekday, hr, secs, sessions in select_rows(
        "SELECT weekday, hour, SUM(watch_seconds), SUM(sessions) FROM analytics_daily_hour"
        " WHERE user_id = ? GROUP BY weekday, hour", [user_id])]
    summary = _summary(user_id)
    with write_transaction():
        for model in (MemberRelease, MemberDub, MemberHour, MemberSummary):
            model.delete().where(model.user == user_id).execute()
        insert_rows(MemberRelease, list(totals.values()))
        insert_rows(MemberDub, dubs)
        insert_rows(MemberHour, hours)
        insert_rows(MemberSummary, [summary] if summary else [])


def _summary(user_id: int) -> dict | None:
    """All-time totals, the longest run of days with a viewing session, and the active years."""
    days = select_rows("SELECT day, views, watch_seconds, episodes, sessions FROM analytics_daily_member"
                   " WHERE user_id = ? ORDER BY day", [user_id])
    if not days:
        return None
    row = {"user": user_id, "views": 0, "watch_seconds": 0, "episodes": 0, "sessions": 0,
           "active_days": len(days), "streak_days": 0, "streak_first": None, "streak_last": None}
    years: set[int] = set()
    run_start = previous = None
    for day, views, secs, eps, sessions in days:
        day = as_date(day)
        row["views"] += views
        row["watch_seconds"] += secs
        row["episodes"] += eps
        row["sessions"] += sessions
        years.add(day.year)
        if not sessions:
            previous = None
            continue
        if previous is None or day != previous + timedelta(days=1):
            run_start = day
        length = (day - run_start).days + 1
        if length > row["streak_days"]:
            row["streak_days"], row["streak_first"], row["streak_last"] = length, run_start, day
        previous = day
    row["years"] = ",".join(str(y) for y in sorted(years, reverse=True))
    return row

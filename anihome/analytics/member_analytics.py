"""Member analytics for the owner and admins: the household's members with their sharing
choice, and the detail of one member (activity, favourite genres, watch-time trend, releases
at risk of dropping) -- only where ``privacy.can_see_detail`` allows it.
"""
from __future__ import annotations

from datetime import date, timedelta

from ..models import User
from . import completion, member_stats, periods, privacy

TREND_WEEKS = 12


def overview(viewer: User, current: date) -> list[dict]:
    """Every active member; numbers only for those whose detail the viewer may see."""
    users = list(User.select().where(User.is_active == True).order_by(User.username))  # noqa: E712
    sharing = privacy.shares_by_user(users)
    rows = []
    for user in users:
        visible = user.id == viewer.id or (viewer.has_role("admin") and sharing[user.id])
        row = {"id": user.id, "username": user.username, "role": user.role,
               "capped": user.age_cap is not None, "shares": sharing[user.id], "visible": visible}
        if visible:
            row["last_30d"] = member_stats.totals(user.id, current - timedelta(days=29), current)
            row["all"] = member_stats.totals(user.id)
        rows.append(row)
    return rows


def detail(member: User, current: date) -> dict:
    """One member's analytics (call ``privacy.require_detail`` first)."""
    return {
        "id": member.id, "username": member.username,
        "periods": member_stats.period_totals(member.id, current),
        "top_genres": member_stats.top_genres(member.id),
        "trend": member_stats.daily_series(
            member.id, periods.week_start(current) - timedelta(weeks=TREND_WEEKS - 1), current, "week"),
        "at_risk": completion.at_risk(member.id),
    }

"""Analytics over the API: views per day/week/month, top content, cohorts, one member's
analytics (with the privacy rule), my own statistics, and reports in four formats.

Owner and admins only, except ``/me/stats`` (any member, own data) and
``/analytics/members/{id}`` (one's own, or an admin reading a member who shares).
"""
from __future__ import annotations

from datetime import date

from flask import Response, current_app, jsonify, request

from ..analytics import cached, cohorts, dashboard, member_analytics, member_stats, periods, privacy
from ..analytics import reports
from ..catalog.agecap import cap_of
from ..ops import memory
from ..web.templating import gettext
from .auth import current_api_user
from .blueprint import api_route
from .spec import array, integer, obj, query, ref, string


def number_schema(nullable: bool = False) -> dict:
    return {"type": "number", "nullable": True} if nullable else {"type": "number"}


DATE = {"type": "string", "format": "date"}
RANGE = [query("from", description="First day, YYYY-MM-DD (default: 29 days before `to`).", format="date"),
         query("to", description="Last day, YYYY-MM-DD (default: today). At most 5 years after `from`.",
               format="date")]
TOTALS = obj({"episodes": integer(), "watch_seconds": integer(), "hours": number_schema(),
              "sessions": integer(), "active_days": integer()})
NAMED = array(obj({"name": string(), "watch_seconds": integer(), "episodes": integer()}))

SCHEMAS = {
    "AnalyticsViews": obj({
        "from": DATE, "to": DATE, "group": string(enum=periods.GROUPS),
        "items": array(obj({"day": dict(DATE, description="First day of the bucket."),
                            "views": integer(), "starts": integer(), "watch_seconds": integer(),
                            "episodes": integer(), "active_members": integer()})),
    }, required=["from", "to", "group", "items"]),
    "AnalyticsTop": obj({
        "period": string(enum=list(periods.PERIODS)), "by": string(enum=dashboard.TOP_BY),
        "items": array(obj({"release_id": integer(), "title": string(), "value": integer(),
                            "views": integer(), "episodes": integer(), "members": integer(),
                            "watch_seconds": integer()})),
    }, required=["period", "by", "items"]),
    "AnalyticsCohorts": obj({
        "type": string(enum=cohorts.TYPES), "period": string(enum=cohorts.PERIOD_GROUPS),
        "from": DATE, "to": DATE, "periods": integer("Columns of the matrix."),
        "cohorts": array(obj({"cohort": DATE, "size": integer(),
                              "counts": array(integer()), "rates": array(number_schema())})),
    }, required=["type", "period", "cohorts"]),
    "MemberAnalytics": obj({
        "id": integer(), "username": string(),
        "periods": obj({k: TOTALS for k in ("week", "month", "year", "all")}),
        "top_genres": NAMED,
        "trend": array(obj({"day": DATE, "episodes": integer(), "watch_seconds": integer()})),
        "at_risk": array(obj({"release_id": integer(), "title": string(), "watched": integer(),
                              "episodes_total": integer(nullable=True), "days_idle": integer()})),
    }, required=["id", "username", "periods", "top_genres", "trend", "at_risk"]),
    "MyStats": obj({
        "periods": obj({k: TOTALS for k in ("week", "month", "year", "all")}),
        "completed_titles": integer(), "mean_score": number_schema(nullable=True),
        "top_genres": NAMED, "top_studios": NAMED, "dubs": NAMED,
        "heatmap": array(array(integer())),
        "longest_streak": obj({"days": integer(), "first": dict(DATE, nullable=True),
                               "last": dict(DATE, nullable=True)}),
        "sharing": {"type": "boolean"},
    }, required=["periods", "completed_titles", "heatmap", "longest_streak", "sharing"]),
}


def _today() -> date:
    return periods.today(periods.zone(current_app.config["TIMEZONE"]))


def _json(value):
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@api_route("/analytics/views", access="admin", summary="Views and watch time per day, week or month",
           tags=["analytics"], params=RANGE + [query("group", enum=periods.GROUPS, default="day")],
           responses={200: ref("AnalyticsViews")}, endpoint="analytics_views")
def analytics_views():
    """Views, episode starts, watch seconds, completed episodes and active members per bucket."""
    start, end = periods.parse_range(request.args, 30, _today())
    group = periods.parse_choice(request.args, "group", periods.GROUPS, "day")
    items = cached.cached(current_app, "views", (start, end, group),
                          lambda: dashboard.views_series(start, end, group))
    return jsonify(_json({"from": start, "to": end, "group": group, "items": items}))


@api_route("/analytics/top", access="admin", summary="Top content for a period",
           tags=["analytics"],
           params=[query("period", enum=list(periods.PERIODS), default="30d"),
                   query("by", enum=dashboard.TOP_BY, default="views"),
                   query("limit", "integer", minimum=1, maximum=100, default=10)],
           responses={200: ref("AnalyticsTop")}, endpoint="analytics_top")
def analytics_top():
    """Releases by views, completed episodes or distinct members (the caller's age cap applies)."""
    period = periods.parse_choice(request.args, "period", list(periods.PERIODS), "30d")
    by = periods.parse_choice(request.args, "by", dashboard.TOP_BY, "views")
    limit = periods.parse_limit(request.args, 10)
    today = _today()
    start, cap = periods.period_start(period, today), cap_of(current_api_user())
    items = cached.cached(current_app, "top", (start, today, by, limit, cap),
                          lambda: dashboard.top_content(start, today, by, limit, cap))
    return jsonify({"period": period, "by": by, "items": items})


@api_route("/analytics/cohorts", access="admin", summary="Cohorts and their retention matrix",
           tags=["analytics"],
           params=[query("type", enum=cohorts.TYPES, default="first_view")] + RANGE
           + [query("period", enum=cohorts.PERIOD_GROUPS, default="week")],
           responses={200: ref("AnalyticsCohorts")}, endpoint="analytics_cohorts")
def analytics_cohorts():
    """Cohort x periods-since matrix of retained counts and rates."""
    today = _today()
    kind = periods.parse_choice(request.args, "type", cohorts.TYPES, "first_view")
    start, end = periods.parse_range(request.args, 84, today)
    period = periods.parse_choice(request.args, "period", cohorts.PERIOD_GROUPS, "week")
    data = cached.cached(current_app, "cohorts", (kind, start, end, period, today),
                         lambda: cohorts.matrix(kind, start, end, period, today))
    return jsonify(_json(data))


@api_route("/analytics/members/<int:id>", access="token", summary="One member's analytics",
           description="One's own, or (owner and admins) a member who shares their statistics; "
                       "anything else is 403 naming `id`.",
           tags=["analytics"], endpoint="analytics_member",
           responses={200: ref("MemberAnalytics"), 403: {"$ref": "#/components/responses/Forbidden"}})
def analytics_member(id: int):
    """Activity, favourite genres, weekly trend and releases at risk of dropping."""
    member = privacy.require_detail(current_api_user(), id)
    today = _today()
    data = cached.cached(current_app, "members", ("detail", member.id, today),
                         lambda: member_analytics.detail(member, today), member.id)
    return jsonify(_json(data))


@api_route("/me/stats", access="token", summary="My own statistics", tags=["analytics"],
           responses={200: ref("MyStats")}, endpoint="me_stats")
def me_stats():
    """Episodes and hours per week/month/year/all, favourites, dubs, heatmap, longest streak."""
    user = current_api_user()
    today = _today()
    data = dict(cached.cached(current_app, "stats", (user.id, today),
                              lambda: member_stats.stats(user.id, today), user.id))
    data.pop("weekly", None)
    data["sharing"] = privacy.shares(user)
    return jsonify(_json(data))


@api_route("/analytics/reports/<name>", access="admin", summary="A dashboard table as CSV, JSON, XLSX or PDF",
           description="`name` is one of: " + ", ".join(reports.BUILDERS) + ". Other query arguments are "
                       "those of the matching table (`group`, `by`, `limit`, `type`, `period`).",
           tags=["analytics"],
           params=[query("format", enum=reports.FORMATS, default="csv")] + RANGE
           + [query("group", enum=periods.GROUPS), query("by", enum=dashboard.TOP_BY),
              query("limit", "integer", minimum=1, maximum=100),
              query("type", enum=cohorts.TYPES), query("period", enum=cohorts.PERIOD_GROUPS)],
           responses={200: {"description": "The report file (text/csv, application/json, XLSX or PDF).",
                             "content": {mt.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                                         for mt in reports.MEDIA_TYPES.values()}}}, endpoint="analytics_report")
def analytics_report(name: str):
    """Build the named report and answer it as a download in the asked format."""
    fmt = reports.parse_format(request.args)
    user = current_api_user()
    today = _today()
    report = reports.build(name, request.args, today, viewer=user, age_cap=cap_of(user),
                           translate=gettext)
    body = reports.render(report, fmt)
    return memory.after_long_work(Response(body, mimetype=reports.MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{reports.filename(report, fmt, today)}"'}))

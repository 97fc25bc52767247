"""Analytics pages: a member's statistics and year in review (``/me/stats``), the owner's
dashboard, cohorts and member analytics (``/admin/analytics``). Thin views over
``anihome.analytics``; reports download from the API (``/api/v1/analytics/reports/<name>``).

This blueprint also records view events: after a release page or the player page answered
200 to a signed-in member, one row is queued and written after the response.
"""
from __future__ import annotations

from flask import (Blueprint, current_app, flash, redirect, render_template, request, url_for)
from flask_login import current_user
from markupsafe import Markup

from ..security.access import access
from ..analytics import (cached, charts, cohorts, completion, dashboard, member_analytics,
                         member_stats, periods, privacy, views)
from ..analytics.reports import pdf_writer
from ..catalog.agecap import cap_of
from ..errors import AppError
from ..numbers import number
from . import page_fast
from .page_cache import render_page
from .templating import current_language
from .titles import title_mode
from .templating import gettext as _

bp = Blueprint("analytics", __name__)

#: Endpoints whose 200 answer to a member is a view event, and its kind.
VIEW_ENDPOINTS = {"catalog.release": "release", "player.watch": "episode"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@bp.record_once
def _install(state) -> None:
    app = state.app
    views.install(app)
    page_fast.AFTER_ANSWER.update(dict.fromkeys(VIEW_ENDPOINTS, _record_fast_view))
    cached.connect(app)
    cached.connect_dirty_marks(app)
    pdf_writer.configured_font = app.config["ANIHOME_SETTINGS"]["ANALYTICS_PDF_FONT"]


@bp.after_app_request
def _record_view(response):
    kind = VIEW_ENDPOINTS.get(request.endpoint or "")
    if kind is None or response.status_code != 200 or not current_user.is_authenticated:
        return response
    release_id = (request.view_args or {}).get("release_id")
    recorder = _queue_view(current_app, current_user.id, kind, release_id, request.args.get("translation", ""))
    response.call_on_close(recorder.flush_due)
    return response


def _queue_view(app, user_id: int, kind: str, release_id, translation: str):
    recorder = views.recorder_of(app)
    recorder.add(user_id, release_id, kind,
                 int(translation) if translation.isdigit() and len(translation) < 10 else None)
    return recorder


def _record_fast_view(app, endpoint: str, user_id: int, view_args: dict, query_string: str):
    """The same view event for a cached page answered by the fast path (web/page_fast.py)."""
    from urllib.parse import parse_qsl

    translation = next((v for k, v in parse_qsl(query_string, keep_blank_values=True) if k == "translation"), "")
    return _queue_view(app, user_id, VIEW_ENDPOINTS[endpoint], view_args.get("release_id"), translation).flush_due


@bp.errorhandler(AppError)
def _translated(exc: AppError):
    """Service errors on these pages, in the reader's language."""
    template = getattr(exc, "template", None)
    message = _(template, **exc.values) if template else _(exc.message)
    return render_template("errors/error.html", status=exc.status, message=message), exc.status


def _fragment(kind: str, key: tuple, render, user_id: int | None = None, tags: tuple = ()) -> Markup:
    """Rendered HTML (charts and tables) cached per language like the numbers in it: the same
    time to live (``kind``), dropped by new roll-ups and, with ``user_id``, by the member's own
    changes. Fragments hold no CSRF token and no name but the member's own; the SVG takes its
    colours from CSS variables, so one fragment serves both themes."""
    return Markup(cached.cached(current_app, kind, ("html", current_language(), title_mode(), *key), render,
                                user_id, tags))


def _today():
    return periods.today(periods.zone(current_app.config["TIMEZONE"]))


def _hours(seconds):
    return _hours_value(seconds / 3600)


def _heatmap_chart(grid):
    return charts.heatmap(grid, [_(d) for d in WEEKDAYS], [f"{h:02d}" for h in range(24)], _hours)


def _hours_value(hours):
    return _("%(hours)s h", hours=number(hours, current_language(), 1))


def _time_chart(series, label_every=None):
    """Watch time per bucket, drawn in hours (the axis reads hours, not seconds)."""
    return charts.bar_chart([(row["day"].strftime("%d.%m"), row["watch_seconds"] / 3600)
                             for row in series], fmt=_hours_value, label_every=label_every)


def _weekly_chart(series):
    return _time_chart(series)


# --- a member's own statistics --------------------------------------------------------------

@bp.get("/me/stats")
@access("member")
def my_stats():
    """The member's own statistics: totals per period, favourites, dubs, heatmap, streak. The
    numbers are a cached fragment per member; the whole page is cached per member too."""
    today = _today()
    user_id = current_user.id

    def render() -> str:
        data = cached.cached(current_app, "stats", (user_id, today),
                             lambda: member_stats.stats(user_id, today), user_id)
        return render_template("analytics/_stats_body.html", stats=data, today=today,
                               heat=_heatmap_chart(data["heatmap"]), weekly=_weekly_chart(data["weekly"]),
                               years=member_stats.years(user_id), hours=_hours)

    return render_page(lambda: render_template(
        "analytics/stats.html", body=_fragment("stats", (user_id, today), render, user_id),
        sharing=privacy.shares(current_user)), tags=(cached.TAG,))


@bp.post("/me/stats/sharing")
@access("member")
def sharing():
    """Turn "share my statistics with the household" on or off."""
    choice = request.form.get("share")
    if choice not in ("on", "off"):
        flash(_("share must be true or false."), "error")
        return redirect(url_for(".my_stats")), 303
    privacy.set_share(current_user.id, choice == "on")
    flash(_("Your statistics are shared with the household.") if choice == "on"
          else _("Your statistics are private."), "success")
    return redirect(url_for(".my_stats"), 303)


@bp.get("/me/stats/<int:year>")
@access("member")
def my_year(year: int):
    """The member's own year in review."""
    return _year_page(current_user, year)


@bp.get("/members/<int:user_id>/year/<int:year>")
@access("member")
def shared_year(user_id: int, year: int):
    """A household member's year in review, when they share their statistics."""
    return _year_page(privacy.require_year(current_user, user_id), year)


def _year_page(member, year: int):
    if not 2000 <= year <= 2100:
        raise AppError(_("year must be between 2000 and 2100."), "year")
    cap = cap_of(current_user)
    data = cached.cached(current_app, "stats", ("year", member.id, year, cap),
                         lambda: member_stats.year_in_review(member.id, year, cap), member.id)
    months = charts.bar_chart([(_(MONTHS[i]), v / 3600) for i, v in enumerate(data["months"])],
                              fmt=_hours_value, label_every=2)
    share_url = url_for(".shared_year", user_id=member.id, year=year, _external=True)
    return render_template("analytics/year.html", data=data, member=member, months=months,
                           month_names=MONTHS, hours=_hours, share_url=share_url,
                           own=member.id == current_user.id, sharing=privacy.shares(member))


# --- the owner's dashboard ------------------------------------------------------------------

@bp.get("/admin/analytics/")
@access("admin")
def dashboard_page():
    """Views and watch time per day, top content, active members, dubs, completion, catalog.

    Each section is a cached fragment keyed by its arguments and language; the whole page is
    cached per member (``web/page_cache.py``), dropped with the fragments' tags."""
    today = _today()
    start, end = periods.parse_range(request.args, 30, today)
    by = periods.parse_choice(request.args, "by", dashboard.TOP_BY, "views")
    cap = cap_of(current_user)
    app = current_app
    query = {"from": start.isoformat(), "to": end.isoformat()}

    def views_part() -> str:
        series = cached.cached(app, "views", (start, end), lambda: dashboard.views_series(start, end))
        label_every = max(1, -(-len(series) // 6))
        return render_template(
            "analytics/_dash_views.html", series=series, query=query, hours=_hours,
            views_chart=charts.bar_chart([(r["day"].strftime("%d.%m"), r["views"]) for r in series],
                                         label_every=label_every),
            time_chart=_time_chart(series, label_every),
            totals=cached.cached(app, "views", ("totals", start, end), lambda: dashboard.totals(start, end)),
            active=cached.cached(app, "members", ("active", today), lambda: dashboard.active_members(today)))

    def top_part() -> str:
        top = cached.cached(app, "top", (start, end, by, cap),
                            lambda: dashboard.top_content(start, end, by, 10, cap))
        return render_template("analytics/_dash_top.html", top=top, by=by, query=query)

    def dubs_part() -> str:
        dubs = cached.cached(app, "dubs", (start, end), lambda: dashboard.top_dubs(start, end))
        return render_template("analytics/_dash_dubs.html", dubs=dubs, query=query, hours=_hours)

    def completion_part() -> str:
        rows = cached.cached(app, "completion", (cap,), lambda: completion.completion(10, cap))
        return render_template("analytics/_dash_completion.html", completion=rows)

    def health_part() -> str:
        health = cached.cached(app, "health", (), dashboard.catalog_health, tags=dashboard.HEALTH_TAGS)
        return render_template("analytics/_dash_health.html", health=health)

    return render_page(lambda: render_template(
        "analytics/dashboard.html", start=start, end=end, by=by,
        views=_fragment("views", (start, end, today), views_part),
        top=_fragment("top", (start, end, by, cap), top_part),
        dubs=_fragment("dubs", (start, end), dubs_part),
        completion=_fragment("completion", (cap,), completion_part),
        health=_fragment("health", (), health_part, tags=dashboard.HEALTH_TAGS)),
        tags=(cached.TAG, *dashboard.HEALTH_TAGS))


@bp.get("/admin/analytics/cohorts")
@access("admin")
def cohorts_page():
    """Retention by cohort as a heat table."""
    today = _today()
    start, end = periods.parse_range(request.args, 84, today)
    kind = periods.parse_choice(request.args, "type", cohorts.TYPES, "first_view")
    period = periods.parse_choice(request.args, "period", cohorts.PERIOD_GROUPS, "week")
    data = cached.cached(current_app, "cohorts", (kind, start, end, period, today),
                         lambda: cohorts.matrix(kind, start, end, period, today))
    return render_template("analytics/cohorts.html", data=data, start=start, end=end,
                           kind=kind, period=period)


@bp.get("/admin/analytics/members")
@access("admin")
def members_page():
    """The household's members, with numbers for those who share (and oneself)."""
    # Not cached: a member who stops sharing disappears from the numbers at once.
    rows = member_analytics.overview(current_user, _today())
    return render_template("analytics/members.html", rows=rows, hours=_hours)


@bp.get("/admin/analytics/members/<int:user_id>")
@access("admin")
def member_page(user_id: int):
    """One member's analytics, when they share it (or it is one's own)."""
    member = privacy.require_detail(current_user, user_id)
    today = _today()
    data = cached.cached(current_app, "members", ("detail", member.id, today),
                         lambda: member_analytics.detail(member, today), member.id)
    return render_template("analytics/member.html", data=data, member=member, hours=_hours,
                           trend=_weekly_chart(data["trend"]))

"""Analytics reports page (``/admin/analytics/reports``): ask for a report (which table,
period, format), watch the ``analytics-reports`` job make it (live progress with JavaScript,
a reload without), and download the finished file while it is kept. Thin views over
``anihome.analytics.report_requests``; the dashboard's "Report" links open the form filled in.
"""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   send_file, url_for)
from flask_login import current_user

from ..analytics import periods, report_requests, reports
from ..analytics.jobs import connect_restart, start_reports
from ..errors import AppError
from ..security.access import access
from .templating import current_language
from .templating import gettext as _

bp = Blueprint("analytics_reports", __name__)

#: The reports one can ask for, with their names as shown.
NAMES = {"views": "Views and watch time", "top": "Top content", "dubs": "Most used dubs",
         "completion": "Completion and drop-off", "cohorts": "Retention, %", "members": "Members"}
#: Reports whose table covers a period (the others are "as of today").
RANGED = ("views", "top", "dubs", "cohorts")


@bp.record_once
def _install(state) -> None:
    connect_restart(state.app)


def _today():
    return periods.today(periods.zone(current_app.config["TIMEZONE"]))


def _form_values(args) -> dict:
    """The form's fields from a query string or a posted form, with the defaults."""
    today = _today()
    name = args.get("name") if args.get("name") in NAMES else "views"
    fmt = args.get("format") if args.get("format") in reports.FORMATS else "xlsx"
    values = {"name": name, "format": fmt, "from": (today.replace(day=1)).isoformat(), "to": today.isoformat()}
    for key in ("from", "to", "group", "by", "limit", "type", "period"):
        if args.get(key):
            values[key] = args.get(key)
    return values


def _page(values: dict, error: str | None = None, status: int = 200):
    rows = report_requests.mine(current_user)
    return render_template("analytics/reports.html", values=values, error=error, rows=rows,
                           names=NAMES, formats=reports.FORMATS, ranged=RANGED,
                           polling=any(r.status in report_requests.PENDING for r in rows)), status


@bp.get("/admin/analytics/reports")
@access("admin")
def reports_page():
    """The report form (filled in from the query string) and the member's recent reports."""
    return _page(_form_values(request.args))


@bp.post("/admin/analytics/reports")
@access("admin")
def ask():
    """Ask for a report: recorded, then made by the analytics-reports job in the background."""
    values = _form_values(request.form)
    args = {k: v for k, v in request.form.items() if k not in ("csrf_token", "name", "format")}
    if values["name"] not in RANGED:
        args.pop("from", None)
        args.pop("to", None)
    try:
        row = report_requests.ask(current_user, request.form.get("name", ""), request.form.get("format", ""),
                                  args, _today(), current_language())
    except AppError as exc:
        template = getattr(exc, "template", None)
        message = _(template, **exc.values) if template else _(exc.message)
        return _page(values, error=message, status=exc.status)
    start_reports(current_app)
    flash(_("Your report is being made."), "success")
    return redirect(url_for(".reports_page") + f"#report-{row.id}", 303)


@bp.get("/admin/analytics/reports/<int:report_id>/download")
@access("admin")
def download(report_id: int):
    """The finished report's file (one's own request, while it is kept)."""
    row = report_requests.of(current_user, report_id)
    path = report_requests.file_path(current_app.config["DATA_DIR"], row)
    if row.status != "done" or path is None or not path.is_file():
        abort(404)
    finished = row.finished_at.date().isoformat() if row.finished_at else ""
    return send_file(path, mimetype=reports.MEDIA_TYPES[row.format], as_attachment=True,
                     download_name=f"anihome-{row.name}-{finished}.{row.format}", max_age=0)

"""Reports: every dashboard table as rows, and one writer module per format.

``check(name, args, current)`` checks the query arguments (400 naming the field) and returns
them in their plain form (dates written out), which is what a report request stores;
``build(name, args, ...)`` returns a ``Report`` (title, columns, rows);
``render(report, fmt)`` hands it to ``csv_writer``,
``json_writer``, ``xlsx_writer`` or ``pdf_writer``. The XLSX and PDF libraries are imported
inside their writer, only when such a report is made. Column titles are English source
strings, translated by the caller's ``translate``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Mapping

from ...errors import AppError
from .. import cohorts, completion, dashboard, member_analytics, periods

FORMATS = ("csv", "json", "xlsx", "pdf")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def N_(text: str) -> str:
    """Marks an English string for translation where it is declared (translated when shown)."""
    return text


@dataclass
class Report:
    name: str
    title: str
    subtitle: str
    columns: list[tuple[str, str]]
    rows: list[list[Any]]

    def dicts(self) -> list[dict]:
        keys = [key for key, _ in self.columns]
        return [dict(zip(keys, row)) for row in self.rows]


def _hours(seconds: int) -> float:
    return round(seconds / 3600, 2)


def _views(args, current, **_):
    start, end = periods.parse_range(args, 30, current)
    group = periods.parse_choice(args, "group", periods.GROUPS, "day")
    rows = [[r["day"], r["views"], r["starts"], _hours(r["watch_seconds"]), r["episodes"],
             r["active_members"]] for r in dashboard.views_series(start, end, group)]
    return (N_("Views and watch time"), f"{start} – {end}",
            [("day", N_("Day")), ("views", N_("Views")), ("starts", N_("Episode starts")),
             ("hours", N_("Hours watched")), ("episodes", N_("Episodes completed")),
             ("active_members", N_("Active members"))], rows)


def _top(args, current, age_cap=None, **_):
    start, end = periods.parse_range(args, 30, current)
    by = periods.parse_choice(args, "by", dashboard.TOP_BY, "views")
    limit = periods.parse_limit(args, 20)
    rows = [[i + 1, r["title"], r["views"], r["episodes"], r["members"], _hours(r["watch_seconds"])]
            for i, r in enumerate(dashboard.top_content(start, end, by, limit, age_cap))]
    return (N_("Top content"), f"{start} – {end}",
            [("rank", N_("Rank")), ("title", N_("Title")), ("views", N_("Views")),
             ("episodes", N_("Episodes completed")), ("members", N_("Members")),
             ("hours", N_("Hours watched"))], rows)


def _dubs(args, current, **_):
    start, end = periods.parse_range(args, 30, current)
    rows = [[r["name"], _hours(r["watch_seconds"]), r["episodes"], r["members"]]
            for r in dashboard.top_dubs(start, end, periods.parse_limit(args, 20))]
    return (N_("Most used dubs"), f"{start} – {end}",
            [("dub", N_("Dub")), ("hours", N_("Hours watched")),
             ("episodes", N_("Episodes completed")), ("members", N_("Members"))], rows)


def _completion(args, current, age_cap=None, **_):
    rows = [[r["title"], r["episodes_total"], r["started"], r["completed"], r["watching"],
             r["stopped"], round(r["completion_rate"] * 100, 1),
             ", ".join(f"{ep}: {n}" for ep, n in r["dropoff"].items())]
            for r in completion.completion(periods.parse_limit(args, 50), age_cap)]
    return (N_("Completion and drop-off"), str(current),
            [("title", N_("Title")), ("episodes", N_("Episodes")), ("started", N_("Members started")),
             ("completed", N_("Members finished")), ("watching", N_("Still watching")),
             ("stopped", N_("Stopped")), ("completion_rate", N_("Completion, %")),
             ("dropoff", N_("Stopped after episode: members"))], rows)


def _cohorts(args, current, **_):
    start, end = periods.parse_range(args, 180, current)
    kind = periods.parse_choice(args, "type", cohorts.TYPES, "first_view")
    period = periods.parse_choice(args, "period", cohorts.PERIOD_GROUPS, "week")
    data = cohorts.matrix(kind, start, end, period, current)
    width = data["periods"]
    rows = [[r["cohort"], r["size"]] + [round(rate * 100, 1) for rate in r["rates"]]
            + [None] * (width - len(r["rates"])) for r in data["cohorts"]]
    columns = [("cohort", N_("Cohort")), ("size", N_("Size"))]
    columns += [(f"p{k}", f"+{k}") for k in range(width)]
    return (N_("Retention, %"), f"{kind}, {period}, {start} – {end}", columns, rows)


def _members(args, current, viewer=None, **_):
    rows = []
    for r in member_analytics.overview(viewer, current):
        last, total = r.get("last_30d"), r.get("all")
        rows.append([r["username"], r["role"], r["shares"],
                     last["episodes"] if last else None, _hours(last["watch_seconds"]) if last else None,
                     total["episodes"] if total else None, _hours(total["watch_seconds"]) if total else None])
    return (N_("Members"), str(current),
            [("member", N_("Member")), ("role", N_("Role")), ("shares", N_("Shares statistics")),
             ("episodes_30d", N_("Episodes, 30 days")), ("hours_30d", N_("Hours, 30 days")),
             ("episodes_all", N_("Episodes, all time")), ("hours_all", N_("Hours, all time"))], rows)


def _range_args(args, current, days: int) -> dict[str, str]:
    start, end = periods.parse_range(args, days, current)
    return {"from": start.isoformat(), "to": end.isoformat()}


#: Per report, its query arguments checked and written out in full (defaults filled in).
CHECKS: dict[str, Callable] = {
    "views": lambda args, current: dict(_range_args(args, current, 30),
                                        group=periods.parse_choice(args, "group", periods.GROUPS, "day")),
    "top": lambda args, current: dict(_range_args(args, current, 30),
                                      by=periods.parse_choice(args, "by", dashboard.TOP_BY, "views"),
                                      limit=str(periods.parse_limit(args, 20))),
    "dubs": lambda args, current: dict(_range_args(args, current, 30), limit=str(periods.parse_limit(args, 20))),
    "completion": lambda args, current: {"limit": str(periods.parse_limit(args, 50))},
    "cohorts": lambda args, current: dict(_range_args(args, current, 180),
                                          type=periods.parse_choice(args, "type", cohorts.TYPES, "first_view"),
                                          period=periods.parse_choice(args, "period", cohorts.PERIOD_GROUPS,
                                                                      "week")),
    "members": lambda args, current: {},
}


def check(name: str, args: Mapping[str, str], current: date) -> dict[str, str]:
    """The report's arguments, checked (400 naming the field; unknown name: 404) and complete."""
    checker = CHECKS.get(name)
    if checker is None:
        raise AppError(f"name must be one of: {', '.join(CHECKS)}.", "name", status=404, code="not_found")
    return checker(args, current)


BUILDERS: dict[str, Callable] = {
    "views": _views, "top": _top, "dubs": _dubs, "completion": _completion,
    "cohorts": _cohorts, "members": _members,
}


def parse_format(args: Mapping[str, str]) -> str:
    value = args.get("format") or "csv"
    if value not in FORMATS:
        raise AppError(f"format must be one of: {', '.join(FORMATS)}.", "format")
    return value


def build(name: str, args: Mapping[str, str], current: date, viewer=None, age_cap=None,
          translate: Callable[[str], str] = lambda s: s) -> Report:
    """The named report for the query arguments (unknown name: 404 naming ``name``)."""
    builder = BUILDERS.get(name)
    if builder is None:
        raise AppError(f"name must be one of: {', '.join(BUILDERS)}.", "name", status=404,
                       code="not_found")
    title, subtitle, columns, rows = builder(args, current, viewer=viewer, age_cap=age_cap)
    return Report(name, translate(title), subtitle,
                  [(key, translate(label)) for key, label in columns], rows)


def render(report: Report, fmt: str) -> bytes:
    """The report as a file in ``fmt`` (csv, json, xlsx or pdf); PDFs come from a child process
    (``pdf_writer``)."""
    if fmt == "csv":
        from . import csv_writer as writer
    elif fmt == "json":
        from . import json_writer as writer
    elif fmt == "xlsx":
        from . import xlsx_writer as writer
    elif fmt == "pdf":
        from . import pdf_writer as writer
    else:
        raise AppError(f"format must be one of: {', '.join(FORMATS)}.", "format")
    return writer.write(report)


def filename(report: Report, fmt: str, current: date) -> str:
    return f"anihome-{report.name}-{current.isoformat()}.{fmt}"

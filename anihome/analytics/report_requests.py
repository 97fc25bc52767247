"""Report requests: the owner or an admin asks for a report (name, period, format), the
``analytics-reports`` job builds it in the background with progress, and the finished file
stays downloadable for ANALYTICS_REPORT_KEEP_HOURS, then the job prunes it.

A request is a row of ``analytics_report`` (``queued`` -> ``running`` -> ``done`` or
``failed``) and, when done, a file ``<data dir>/reports/<id>.<format>`` (mode 0600, written
under a temporary name and renamed). Only the member who asked sees a request. Building a
report never happens in a request: XLSX and PDF writers (and the PDF child process) run in
the job's thread, so the page answers at once and shows the progress.
"""
from __future__ import annotations

import json
import logging
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, NotFound
from ..i18n import translate
from ..models import AnalyticsReport, User
from ..security.file_modes import FILE_MODE, private_dir
from . import reports

log = logging.getLogger(__name__)

FOLDER = "reports"
#: Requests one member may have waiting or running at once.
MAX_PENDING = 5
#: Requests listed on the reports page (the newest).
LISTED = 20
PENDING = ("queued", "running")


class TooManyReports(AppError):
    """The member already has MAX_PENDING reports waiting."""


def folder(data_dir: str | Path) -> Path:
    return Path(data_dir) / FOLDER


def file_path(data_dir: str | Path, row: AnalyticsReport) -> Path | None:
    return folder(data_dir) / row.file_name if row.file_name else None


def ask(user: User, name: str, fmt: str, args, current: date, language: str,
        now: datetime | None = None) -> AnalyticsReport:
    """Record a request for the named report (arguments checked now: 400 naming the field)."""
    if fmt not in reports.FORMATS:
        raise AppError(f"format must be one of: {', '.join(reports.FORMATS)}.", "format")
    checked = reports.check(name, args, current)
    now = now or utcnow()
    with write_transaction():
        waiting = (AnalyticsReport.select().where((AnalyticsReport.user == user.id)
                                                  & AnalyticsReport.status.in_(PENDING)).count())
        if waiting >= MAX_PENDING:
            raise TooManyReports(reports.N_("Wait for your reports being made to finish first."), "name",
                                 status=429, code="too_many_reports")
        row = AnalyticsReport.create(user=user.id, name=name, format=fmt,
                                     args=json.dumps(checked, sort_keys=True), language=language,
                                     status="queued", progress=0.0, created_at=now)
    log.info("analytics report asked id=%s user=%s name=%s format=%s", row.id, user.id, name, fmt)
    return row


def of(user: User, report_id: int) -> AnalyticsReport:
    """One of the member's own requests (anyone else's is 404, as if it did not exist)."""
    row = AnalyticsReport.get_or_none((AnalyticsReport.id == report_id) & (AnalyticsReport.user == user.id))
    if row is None:
        raise NotFound("No such report.", "id")
    return row


def mine(user: User) -> list[AnalyticsReport]:
    return list(AnalyticsReport.select().where(AnalyticsReport.user == user.id)
                .order_by(AnalyticsReport.id.desc()).limit(LISTED))


def pending() -> bool:
    return AnalyticsReport.select().where(AnalyticsReport.status == "queued").exists()


def _update(report_id: int, **values) -> None:
    with write_transaction():
        AnalyticsReport.update(**values).where(AnalyticsReport.id == report_id).execute()


def _claim() -> AnalyticsReport | None:
    """The oldest queued request, now marked running (None when none waits)."""
    with write_transaction():
        row = (AnalyticsReport.select().where(AnalyticsReport.status == "queued")
               .order_by(AnalyticsReport.id).first())
        if row is None:
            return None
        AnalyticsReport.update(status="running", started_at=utcnow(), progress=0.05,
                               progress_text="reading the roll-ups").where(AnalyticsReport.id == row.id).execute()
    return AnalyticsReport.get_by_id(row.id)


def _write(data_dir: str | Path, row: AnalyticsReport, body: bytes) -> str:
    """The file, written under a temporary name and renamed (a half-written file is never served)."""
    target = private_dir(folder(data_dir))
    name = f"{row.id}.{row.format}"
    temporary = target / f".{name}.part"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(body)
    os.replace(temporary, target / name)
    return name


def build_one(row: AnalyticsReport, data_dir: str | Path, current: date, keep_hours: int,
              progress: Callable[[float, str], None] | None = None) -> AnalyticsReport:
    """Build one claimed request into its file; a failure is recorded on the request."""
    def step(fraction: float, text: str) -> None:
        _update(row.id, progress=fraction, progress_text=text)
        if progress:
            progress(fraction, text)

    try:
        user = User.get_by_id(row.user_id)
        from ..catalog.agecap import cap_of

        report = reports.build(row.name, json.loads(row.args), current, viewer=user, age_cap=cap_of(user),
                               translate=lambda text: translate(row.language, text))
        step(0.3, f"writing {len(report.rows)} rows as {row.format.upper()}")
        body = reports.render(report, row.format)
        name = _write(data_dir, row, body)
    except Exception as exc:  # recorded on the request and logged; the next request still runs
        log.exception("analytics report failed id=%s", row.id)
        message = exc.message if isinstance(exc, AppError) else reports.N_("The report could not be made.")
        _update(row.id, status="failed", error=message, finished_at=utcnow(), progress_text="")
        return AnalyticsReport.get_by_id(row.id)
    now = utcnow()
    _update(row.id, status="done", progress=1.0, progress_text="", file_name=name, size=len(body),
            rows=len(report.rows), finished_at=now, expires_at=now + timedelta(hours=keep_hours))
    log.info("analytics report done id=%s name=%s format=%s rows=%s bytes=%s",
             row.id, row.name, row.format, len(report.rows), len(body))
    return AnalyticsReport.get_by_id(row.id)


def build_waiting(data_dir: str | Path, current: Callable[[], date], keep_hours: int,
                  progress: Callable[[float, str], None] | None = None) -> dict[str, int]:
    """Build every queued request, oldest first, until none waits; returns counts."""
    counts = {"done": 0, "failed": 0}
    while True:
        row = _claim()
        if row is None:
            return counts
        finished = build_one(row, data_dir, current(), keep_hours, progress)
        counts[finished.status] = counts.get(finished.status, 0) + 1


def prune(data_dir: str | Path, now: datetime | None = None) -> int:
    """Forget expired requests and their files, and requests left running by a stopped process
    (called when no build runs); returns how many went."""
    now = now or utcnow()
    expired = list(AnalyticsReport.select().where(
        (AnalyticsReport.expires_at <= now)
        | ((AnalyticsReport.status == "failed") & (AnalyticsReport.finished_at <= now - timedelta(days=1)))))
    for row in expired:
        path = file_path(data_dir, row)
        if path is not None:
            path.unlink(missing_ok=True)
    with write_transaction():
        if expired:
            AnalyticsReport.delete().where(AnalyticsReport.id.in_([r.id for r in expired])).execute()
        AnalyticsReport.update(status="queued", progress=0.0, progress_text="").where(
            AnalyticsReport.status == "running").execute()
    for leftover in folder(data_dir).glob(".*.part") if folder(data_dir).is_dir() else ():
        leftover.unlink(missing_ok=True)
    if expired:
        log.info("analytics reports pruned=%s", len(expired))
    return len(expired)

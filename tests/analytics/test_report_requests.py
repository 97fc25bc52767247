"""Reports are asked for on the reports page and made by the analytics-reports job in the
background: the page shows their progress, the finished file downloads (XLSX opens, PDF keeps
Cyrillic), bad requests are refused naming the field with nothing recorded, a report is its
asker's alone, failures are recorded without stopping the others, and expired files are pruned."""
import io
import re
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pypdf

from anihome.analytics import report_requests, reports
from anihome.jobs.runner import run_job
from anihome.models import AnalyticsReport

from .conftest import in_db, make_member, sign_in

PAGE = "/admin/analytics/reports"
TODAY = date(2026, 11, 20)


def _token(client):
    html = client.get(PAGE).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def _ask(client, **fields):
    data = {"name": "views", "format": "xlsx", "from": "2026-11-01", "to": "2026-11-20"}
    data.update(fields)
    return client.post(PAGE, data=dict(data, csrf_token=_token(client)))


def _wait_for_report_jobs(timeout=120):
    for thread in [t for t in threading.enumerate() if t.name.startswith("anihome-job-analytics-reports")]:
        thread.join(timeout)


def _rows(app):
    return in_db(app, lambda: list(AnalyticsReport.select().order_by(AnalyticsReport.id)))


def test_an_owner_asks_for_a_report_and_downloads_the_file_the_job_made(app, client, built):
    sign_in(client, built.owner)
    response = _ask(client)
    assert response.status_code == 303 and "/admin/analytics/reports#report-" in response.headers["Location"]
    _wait_for_report_jobs()
    (row,) = _rows(app)
    assert row.status == "done" and row.rows == 20 and row.progress == 1.0
    assert row.expires_at - row.finished_at == timedelta(hours=24)
    html = client.get(PAGE).get_data(as_text=True)
    assert f'id="report-{row.id}" data-status="done"' in html and "data-poll" not in html
    download = client.get(f"{PAGE}/{row.id}/download")
    assert download.status_code == 200 and download.mimetype == reports.MEDIA_TYPES["xlsx"]
    assert "attachment" in download.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    assert sheet.cell(1, 1).value == "Views and watch time" and sheet.cell(4, 1).value == "Day"


def test_a_waiting_report_shows_its_progress_and_reloads_without_javascript(app, client, built):
    sign_in(client, built.owner)
    in_db(app, lambda: report_requests.ask(built.owner, "top", "csv", {}, TODAY, "en"))
    in_db(app, lambda: AnalyticsReport.update(status="running", progress=0.3).execute())
    html = client.get(PAGE).get_data(as_text=True)
    assert '<progress max="100" value="30"' in html and "data-poll=" in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html


def test_a_pdf_report_made_by_the_job_keeps_cyrillic_titles_in_russian(app, built):
    row = in_db(app, lambda: report_requests.ask(built.owner, "top", "pdf", {"by": "members"}, TODAY, "ru"))
    run = run_job(app, "analytics-reports")
    assert run.status == "succeeded"
    row = in_db(app, lambda: AnalyticsReport.get_by_id(row.id))
    assert row.status == "done"
    path = report_requests.file_path(app.config["DATA_DIR"], row)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)
    assert "Атака титанов" in text and "Название" in text


def test_bad_report_requests_are_refused_naming_the_field_and_nothing_is_recorded(app, client, built):
    sign_in(client, built.owner)
    bad = _ask(client, format="docx")
    assert bad.status_code == 400 and "format must be one of: csv, json, xlsx, pdf." in bad.get_data(as_text=True)
    bad = _ask(client, **{"from": "2026-02-30"})
    assert bad.status_code == 400 and "from must be a date written YYYY-MM-DD." in bad.get_data(as_text=True)
    assert _ask(client, name="everything").status_code == 404
    assert _ask(client, **{"from": "2026-11-20", "to": "2026-11-01"}).status_code == 400
    assert _rows(app) == []


def test_a_report_belongs_to_whoever_asked_for_it(app, client, built):
    row = in_db(app, lambda: report_requests.ask(built.owner, "dubs", "csv", {}, TODAY, "en"))
    run_job(app, "analytics-reports")
    admin = in_db(app, lambda: make_member("admin2", "admin"))
    sign_in(client, admin)
    assert client.get(f"{PAGE}/{row.id}/download").status_code == 404
    assert f'id="report-{row.id}"' not in client.get(PAGE).get_data(as_text=True)
    sign_in(client, built.alice)
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/{row.id}/download").status_code == 403


def test_a_failed_report_is_recorded_and_the_next_one_is_still_made(app, built, monkeypatch):
    first = in_db(app, lambda: report_requests.ask(built.owner, "views", "xlsx", {}, TODAY, "en"))
    second = in_db(app, lambda: report_requests.ask(built.owner, "views", "csv", {}, TODAY, "en"))
    original = reports.render

    def broken(report, fmt):
        if fmt == "xlsx":
            raise RuntimeError("disk on fire")
        return original(report, fmt)

    monkeypatch.setattr(reports, "render", broken)
    run = run_job(app, "analytics-reports")
    assert run.status == "succeeded"
    rows = {r.id: r for r in _rows(app)}
    assert rows[first.id].status == "failed" and rows[first.id].error == "The report could not be made."
    assert "disk" not in rows[first.id].error
    assert rows[second.id].status == "done"


def test_at_most_five_reports_wait_at_once(app, built):
    for _ in range(report_requests.MAX_PENDING):
        in_db(app, lambda: report_requests.ask(built.owner, "views", "csv", {}, TODAY, "en"))
    try:
        in_db(app, lambda: report_requests.ask(built.owner, "views", "csv", {}, TODAY, "en"))
        raise AssertionError("a sixth waiting report was accepted")
    except report_requests.TooManyReports as exc:
        assert exc.status == 429 and exc.field == "name"


def test_expired_reports_and_their_files_are_pruned_and_a_run_left_by_a_stopped_server_is_redone(app, built):
    data_dir = app.config["DATA_DIR"]
    row = in_db(app, lambda: report_requests.ask(built.owner, "views", "json", {}, TODAY, "en"))
    run_job(app, "analytics-reports")
    path = report_requests.file_path(data_dir, in_db(app, lambda: AnalyticsReport.get_by_id(row.id)))
    assert path.is_file()
    later = datetime.utcnow() + timedelta(hours=25)
    assert in_db(app, lambda: report_requests.prune(data_dir, now=later)) == 1
    assert not path.exists() and _rows(app) == []
    left = in_db(app, lambda: report_requests.ask(built.owner, "views", "csv", {}, TODAY, "en"))
    in_db(app, lambda: AnalyticsReport.update(status="running").execute())
    Path(report_requests.folder(data_dir), f".{left.id}.csv.part").write_bytes(b"half")
    run_job(app, "analytics-reports")
    assert in_db(app, lambda: AnalyticsReport.get_by_id(left.id)).status == "done"
    assert not list(report_requests.folder(data_dir).glob(".*.part"))

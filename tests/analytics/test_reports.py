"""Reports open in every format: CSV parses, XLSX opens with openpyxl, PDF text extracts with
Cyrillic intact, JSON decodes; each is a download with a file name."""
import csv
import io
import json

import openpyxl
import pypdf
import pytest

from anihome.analytics import reports

from .conftest import token_for

URL = "/api/v1/analytics/reports/{name}?format={fmt}&from=2026-11-01&to=2026-11-20"


def _get(app, client, built, name, fmt, extra=""):
    response = client.get(URL.format(name=name, fmt=fmt) + extra, headers=token_for(app, built.owner))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert f'filename="anihome-{name}-' in response.headers["Content-Disposition"]
    return response


def test_csv_report_parses_with_a_header_and_cyrillic_titles(app, client, built):
    body = _get(app, client, built, "top", "csv", "&by=members").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Rank", "Title", "Views", "Episodes completed", "Members", "Hours watched"]
    assert rows[1][:2] == ["1", "Атака титанов"] and rows[1][4] == "3"


def test_json_report_has_keys_and_rows(app, client, built):
    body = json.loads(_get(app, client, built, "views", "json", "&group=week").data)
    assert body["report"] == "views" and body["columns"][0] == {"key": "day", "label": "Day"}
    weeks = {row["day"]: row for row in body["rows"]}
    assert weeks["2026-11-02"]["episodes"] == 5 and weeks["2026-11-02"]["hours"] == 3.13  # (3480 + 5400 + 2400) s


def test_xlsx_report_opens_with_openpyxl(app, client, built):
    response = _get(app, client, built, "dubs", "xlsx")
    assert response.mimetype == reports.MEDIA_TYPES["xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Most used dubs"
    assert values[3][:4] == ("Dub", "Hours watched", "Episodes completed", "Members")
    assert values[4][0] == "AniDub" and values[4][2] == 4


def test_pdf_report_text_extracts_with_cyrillic_intact(app, client, built):
    response = _get(app, client, built, "completion", "pdf")
    assert response.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert "Атака титанов" in text and "Completion and drop-off" in text


def test_reports_follow_the_callers_language(app, client, built):
    headers = dict(token_for(app, built.owner), **{"Accept-Language": "ru"})
    response = client.get(URL.format(name="cohorts", fmt="pdf"), headers=headers)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert "Удержание" in text


@pytest.mark.parametrize("name", sorted(reports.BUILDERS))
@pytest.mark.parametrize("fmt", reports.FORMATS)
def test_every_report_renders_in_every_format(app, client, built, name, fmt):
    assert len(_get(app, client, built, name, fmt).data) > 20


def test_a_pdf_without_a_unicode_font_still_renders(tmp_path):
    from anihome.analytics.reports import pdf_child

    warnings = []
    original = pdf_child.FONT_CANDIDATES
    pdf_child.FONT_CANDIDATES = ()
    try:
        data = pdf_child.render({"title": "Атака", "subtitle": "", "columns": [["a", "Title"]],
                                 "rows": [["Атака титанов"]], "font": str(tmp_path / "missing.ttf")},
                                warn=warnings.append)
    finally:
        pdf_child.FONT_CANDIDATES = original
    assert data.startswith(b"%PDF") and "without a Unicode font" in warnings[0]


def test_pdf_reports_are_made_in_a_child_so_fpdf_never_loads_here(built, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "fpdf", None)  # importing fpdf in this process would now fail
    report = reports.Report("x", "Итоги", "", [("a", "Title")], [["Атака титанов"]])
    data = reports.render(report, "pdf")
    assert "Атака титанов" in pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()

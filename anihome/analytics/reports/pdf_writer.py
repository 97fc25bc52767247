"""PDF reports through fpdf2, with a Unicode TrueType font so that Cyrillic titles render:
ANALYTICS_PDF_FONT, else DejaVu Sans from Debian's fonts-dejavu-core. Without either, the
built-in Helvetica is used and characters it lacks become "?" (a warning is logged) -- the
report is still made.

fpdf2 brings Pillow and fontTools: importing it costs ~40 MB of RSS that would never leave
the serving process. So ``write`` makes the PDF in a short-lived child process
(``python -m anihome.analytics.reports.pdf_writer``, the report as JSON on stdin, the PDF on
stdout); ``write_here`` is the in-process writer the child runs.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import date
from pathlib import Path

from ...errors import AppError

log = logging.getLogger(__name__)

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
)
#: Set by the app from ANALYTICS_PDF_FONT (a path), read when a PDF is made.
configured_font: str = ""


def find_font(configured: str = "") -> Path | None:
    for candidate in ((configured,) if configured else ()) + FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def write(report, font_path: str | None = None, timeout: float = 120) -> bytes:
    """The report as PDF bytes, made by a child process (keeps fpdf2 out of this one)."""
    payload = json.dumps({"name": report.name, "title": report.title, "subtitle": report.subtitle,
                          "columns": report.columns, "rows": [[_text(v) for v in row] for row in report.rows],
                          "font": font_path or configured_font}, ensure_ascii=False)
    try:
        done = subprocess.run([sys.executable, "-m", __name__], input=payload.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise AppError("The PDF report took too long; choose a shorter range.", "format", status=503,
                       code="report_timeout") from None
    for line in done.stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("WARNING "):
            log.warning(line[8:])
    if done.returncode or not done.stdout.startswith(b"%PDF"):
        log.error("pdf report failed rc=%s stderr=%s", done.returncode, done.stderr[-2000:])
        raise RuntimeError("the PDF writer failed")
    return done.stdout


def write_here(report, font_path: str | None = None) -> bytes:
    """Make the PDF in this process (imports fpdf2)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    columns = len(report.columns)
    pdf = FPDF(orientation="L" if columns > 6 else "P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    font = find_font(font_path or configured_font)
    if font is not None:
        pdf.add_font("Report", "", str(font))
        family, clean = "Report", _text
    else:
        log.warning("pdf report without a Unicode font: set ANALYTICS_PDF_FONT")
        family = "Helvetica"

        def clean(value):
            return _text(value).encode("latin-1", "replace").decode("latin-1")
    pdf.add_page()
    pdf.set_font(family, size=14)
    pdf.cell(0, 8, clean(report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    pdf.cell(0, 6, clean(report.subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(family, size=8 if columns > 8 else 9)
    heading = FontFace(emphasis="", fill_color=(225, 225, 235))  # one regular face: no bold file needed
    with pdf.table(first_row_as_headings=True, headings_style=heading, line_height=5) as table:
        header = table.row()
        for _, label in report.columns:
            header.cell(clean(label))
        for values in report.rows:
            row = table.row()
            for value in values:
                row.cell(clean(value))
    return bytes(pdf.output())


class _Rows:
    """A report read back from JSON in the child."""

    def __init__(self, data: dict):
        self.name, self.title, self.subtitle = data["name"], data["title"], data["subtitle"]
        self.columns = [tuple(c) for c in data["columns"]]
        self.rows = data["rows"]


def _child() -> None:
    data = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s", stream=sys.stderr)
    sys.stdout.buffer.write(write_here(_Rows(data), data.get("font") or None))


if __name__ == "__main__":
    _child()

"""PDF reports through fpdf2 (imported only here), with a Unicode TrueType font so that
Cyrillic titles render: ANALYTICS_PDF_FONT, else DejaVu Sans from Debian's fonts-dejavu-core.
Without either, the built-in Helvetica is used and characters it lacks become "?" (a
warning is logged) -- the report is still made.
"""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

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


def write(report, font_path: str | None = None) -> bytes:
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

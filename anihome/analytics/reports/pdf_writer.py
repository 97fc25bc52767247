"""PDF reports: made by ``pdf_child.py`` in a short-lived child process.

fpdf2 brings Pillow and fontTools: importing it costs ~40 MB of RSS that would never leave
the serving process. ``write`` sends the report as JSON to ``python pdf_child.py`` (a plain
script: the child imports fpdf2 and the standard library only) and returns the PDF it
prints. ``configured_font`` is ANALYTICS_PDF_FONT, set when the app starts.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import date
from pathlib import Path

from ...errors import AppError
from .pdf_child import WARNING

log = logging.getLogger(__name__)

CHILD = Path(__file__).with_name("pdf_child.py")
#: Set by the app from ANALYTICS_PDF_FONT (a path), read when a PDF is made.
configured_font: str = ""


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
    payload = json.dumps({"title": report.title, "subtitle": report.subtitle, "columns": report.columns,
                          "rows": [[_text(v) for v in row] for row in report.rows],
                          "font": font_path or configured_font}, ensure_ascii=False)
    try:
        done = subprocess.run([sys.executable, str(CHILD)], input=payload.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise AppError("The PDF report took too long; choose a shorter range.", "format", status=503,
                       code="report_timeout") from None
    for line in done.stderr.decode("utf-8", "replace").splitlines():
        if line.startswith(WARNING):
            log.warning(line[len(WARNING):])
    if done.returncode or not done.stdout.startswith(b"%PDF"):
        log.error("pdf report failed rc=%s stderr=%s", done.returncode, done.stderr[-2000:])
        raise RuntimeError("the PDF writer failed")
    return done.stdout

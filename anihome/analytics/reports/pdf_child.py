"""The PDF writer's child process: a report as JSON on stdin, the PDF on stdout.

Run by ``pdf_writer.write`` as a plain script (``python pdf_child.py``), so the child imports
fpdf2 and the standard library only -- not Flask or the rest of AniHome -- and exits when
done, taking fpdf2's ~40 MB (Pillow, fontTools) with it. Cyrillic needs a TrueType font:
the one named in the input, else DejaVu Sans from Debian's fonts-dejavu-core; without one,
the built-in Helvetica is used and characters it lacks become "?" (a warning on stderr).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
)
WARNING = "WARNING "


def find_font(configured: str = "") -> Path | None:
    for candidate in ((configured,) if configured else ()) + FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    return None


def _widths(pdf, labels: list[str], rows: list[list[str]], total: float) -> tuple[list[float], list[int]]:
    """Column widths in proportion to their longest text (sampled), filling the page width; and
    per column, how many characters surely fit (the widest character of the sample times that
    count is within the column)."""
    sample = rows[:200]
    wanted, widest = [], []
    for c, label in enumerate(labels):
        texts = [row[c] for row in sample if c < len(row)]
        longest = max([label] + texts, key=len)
        wanted.append(min(pdf.get_string_width(longest) + 3, total / 2))
        chars = set("".join(texts)) or {"W"}
        widest.append(max(pdf.get_string_width(ch) for ch in chars))
    scale = total / sum(wanted) if sum(wanted) else 1
    widths = [w * scale for w in wanted]
    return widths, [int((w - 2) // widest[c]) if widest[c] else 0 for c, w in enumerate(widths)]


def _fit(pdf, text: str, width: float, fits: int = 0) -> str:
    """``text`` cut with an ellipsis to fit ``width`` (texts of at most ``fits`` characters are
    known to fit: measuring every cell was a fifth of a year report's time)."""
    if len(text) <= fits or pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "…") > width - 2:
        text = text[:-1]
    return text + "…"


#: Optional imports of fpdf2 a table report never uses (images, signing): kept out of the child,
#: they were a third of its start-up and ~23 MB of its memory.
UNUSED = ("numpy", "PIL", "cryptography", "endesive")


def _import_fpdf():
    import warnings

    for name in UNUSED:
        sys.modules.setdefault(name, None)  # "import numpy" now fails fast; fpdf2 copes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Pillow could not be imported": no images here
        from fpdf import FPDF
    return FPDF


def render(data: dict, warn=None) -> bytes:
    """The PDF for a report given as {"title", "subtitle", "columns": [[key, label]], "rows", "font"}."""
    FPDF = _import_fpdf()

    columns = len(data["columns"])
    pdf = FPDF(orientation="L" if columns > 6 else "P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    font = find_font(data.get("font") or "")
    if font is not None:
        pdf.add_font("Report", "", str(font))
        family = "Report"

        def clean(value):
            return "" if value is None else str(value)
    else:
        (warn or (lambda text: print(WARNING + text, file=sys.stderr)))(
            "pdf report without a Unicode font: set ANALYTICS_PDF_FONT")
        family = "Helvetica"

        def clean(value):
            return ("" if value is None else str(value)).encode("latin-1", "replace").decode("latin-1")
    pdf.add_page()
    pdf.set_font(family, size=14)
    pdf.cell(0, 8, clean(data["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=9)
    pdf.cell(0, 6, clean(data["subtitle"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(family, size=8 if columns > 8 else 9)
    texts = [[clean(v) for v in row] for row in data["rows"]]
    labels = [clean(label) for _, label in data["columns"]]
    widths, fits = _widths(pdf, labels, texts, pdf.epw)
    # Plain cells, not pdf.table(): a year of rows renders several times faster.
    pdf.set_fill_color(225, 225, 235)
    for c, label in enumerate(labels):
        pdf.cell(widths[c], 6, _fit(pdf, label, widths[c]), border=1, fill=True)
    pdf.ln()
    for row in texts:
        if pdf.will_page_break(5):
            pdf.add_page()
        for c, text in enumerate(row):
            pdf.cell(widths[c], 5, _fit(pdf, text, widths[c], fits[c]), border=1)
        pdf.ln()
    return bytes(pdf.output())


def main() -> None:
    data = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    sys.stdout.buffer.write(render(data))


if __name__ == "__main__":
    main()

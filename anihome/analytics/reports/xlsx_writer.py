"""XLSX reports through xlsxwriter (imported only here): one sheet, a bold frozen header,
numbers as numbers and days as dates, columns sized to their content."""
from __future__ import annotations

import io
from datetime import date


def write(report) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet(report.name[:31])
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write(0, 0, report.title, bold)
    sheet.write(1, 0, report.subtitle)
    widths = [len(label) for _, label in report.columns]
    for c, (_, label) in enumerate(report.columns):
        sheet.write(3, c, label, bold)
    for r, row in enumerate(report.rows, start=4):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
                size = 10
            elif value is None:
                continue
            else:
                sheet.write(r, c, value)
                size = len(str(value))
            if c < len(widths) and size > widths[c]:
                widths[c] = size
    for c, width in enumerate(widths):
        sheet.set_column(c, c, min(max(width + 2, 8), 60))
    sheet.freeze_panes(4, 0)
    book.close()
    return buffer.getvalue()

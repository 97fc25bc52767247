"""CSV reports: UTF-8 with a byte-order mark (so spreadsheet apps read Cyrillic), a header row."""
from __future__ import annotations

import csv
import io


def write(report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _, label in report.columns])
    for row in report.rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")

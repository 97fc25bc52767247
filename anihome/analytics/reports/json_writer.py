"""JSON reports: the title, the column keys and labels, and one object per row."""
from __future__ import annotations

import json
from datetime import date, datetime


def _default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write(report) -> bytes:
    body = {"report": report.name, "title": report.title, "subtitle": report.subtitle,
            "columns": [{"key": k, "label": label} for k, label in report.columns],
            "rows": report.dicts()}
    return json.dumps(body, ensure_ascii=False, default=_default).encode("utf-8")

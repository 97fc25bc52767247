"""Every English string of the analytics pages, reports and services has a Russian translation,
and the analytics catalog holds nothing unused."""
import json
import re
from pathlib import Path

from anihome.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (sorted((ROOT / "templates/analytics").glob("*.html"))
           + [ROOT / "anihome/web/analytics.py", ROOT / "anihome/web/analytics_reports.py",
              ROOT / "anihome/analytics/jobs.py"]
           + sorted((ROOT / "anihome/analytics").glob("*.py"))
           + sorted((ROOT / "anihome/analytics/reports").glob("*.py")))
CALL = re.compile(r'(?<![A-Za-z])N?_\(\s*"((?:[^"\\]|\\.)*)"')
RAISED = re.compile(r'(?:AppError|NotFound|Forbidden|invalid)\(\s*f?"((?:[^"\\]|\\.)*)"')
DESCRIPTION = re.compile(r'description="((?:[^"\\]|\\.)*)"')
NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Jan", "Feb", "Mar", "Apr", "May", "Jun",
         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def english() -> set[str]:
    found = set(NAMES)
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        found |= set(CALL.findall(text)) | set(DESCRIPTION.findall(text))
        found |= {m for m in RAISED.findall(text) if "{" not in m}
    return found


def test_analytics_strings_all_have_russian_translations():
    strings = english()
    assert len(strings) > 100
    assert sorted(strings - set(catalog("ru"))) == []


def test_the_analytics_catalog_has_no_stale_entries():
    ours = json.loads((ROOT / "anihome/i18n/ru/analytics.json").read_text(encoding="utf-8"))
    assert sorted(set(ours) - english()) == []

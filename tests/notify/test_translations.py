"""Every English string of the notification pages, messages and services has a Russian
translation, and notify.json holds no stale entries."""
import json
import re
from pathlib import Path

from anihome.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [*sorted((ROOT / "templates/notify").glob("*.html")), ROOT / "templates/admin/notify.html"]
VIEWS = [ROOT / f"anihome/web/{name}.py" for name in ("notify", "notify_settings", "admin_notify")]
SERVICES = sorted((ROOT / "anihome/notify").rglob("*.py"))
CALL = re.compile(r"""(?<![A-Za-z_])_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
MESSAGE = re.compile(r'(?:translate\(lang,|(?<![A-Za-z_.])t\()\s*"((?:[^"\\]|\\.)*)"')
RAISED = re.compile(r'(?:AppError|NotFound)\(\s*"((?:[^"\\]|\\.)*)"')


def _english() -> set[str]:
    found = set()
    for path in [*TEMPLATES, *VIEWS]:
        found |= {a or b for a, b in CALL.findall(path.read_text(encoding="utf-8"))}
    for path in SERVICES:
        text = path.read_text(encoding="utf-8")
        found |= set(MESSAGE.findall(text)) | set(RAISED.findall(text))
    return found


def test_notify_strings_all_have_russian_translations():
    english = _english()
    assert len(english) > 100
    assert sorted(english - set(catalog("ru"))) == []


def test_the_notify_catalog_has_no_stale_entries():
    ours = json.loads((ROOT / "anihome/i18n/ru/notify.json").read_text(encoding="utf-8"))
    nav = (ROOT / "templates/base/nav.html").read_text(encoding="utf-8")  # the owner's "Push" link
    assert sorted(key for key in set(ours) - _english() if f'_("{key}")' not in nav) == []

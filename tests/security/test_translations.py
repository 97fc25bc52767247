"""Every English string of the security pieces (devices, setup code, sign-in answers) has a
Russian translation, and security.json holds nothing unused."""
import json
import re
from pathlib import Path

from anihome.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]
FILES = ["templates/account/_sessions.html", "templates/account/index.html", "templates/setup/setup.html",
         "templates/admin/members_edit.html", "anihome/web/account_sessions.py", "anihome/accounts/setup.py",
         "anihome/accounts/users.py", "anihome/accounts/session_records.py"]
CALL = re.compile(r'_\(\s*"((?:[^"\\]|\\.)*)"')
RAISED = re.compile(r'(?:AppError|NotFound|__init__)\(\s*"((?:[^"\\]|\\.)*)"')


def _text(name):
    return (ROOT / name).read_text(encoding="utf-8")


def test_security_strings_all_have_russian_translations():
    english = set()
    for name in FILES:
        english |= set(CALL.findall(_text(name))) | set(RAISED.findall(_text(name)))
    assert len(english) > 20
    assert sorted(english - set(catalog("ru"))) == []


def test_the_security_catalog_has_no_stale_entries():
    ours = json.loads(_text("anihome/i18n/ru/security.json"))
    used = "".join(_text(name) for name in FILES)
    assert [key for key in ours if f'"{key}"' not in used] == []

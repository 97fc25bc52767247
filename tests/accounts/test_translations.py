"""Every English string of the accounts pages and services has a Russian translation."""
import json
import re
from pathlib import Path

from anihome.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ["templates/auth", "templates/setup", "templates/account/index.html",
             "templates/admin/members.html", "templates/admin/members_edit.html",
             "templates/screens", "templates/account/_pin.html", "templates/account/_screens.html"]
VIEWS = ["setup", "auth", "account", "admin_members", "invite", "new_account_form", "screens"]
SERVICES = ["users", "passwords", "invites", "setup", "signin", "pins", "screens"]
CALL = re.compile(r'_\(\s*"((?:[^"\\]|\\.)*)"')
RAISED = re.compile(r'(?:AppError|NotFound|Conflict|Forbidden|InviteGone|__init__)\(\s*"((?:[^"\\]|\\.)*)"')


def _files():
    for entry in TEMPLATES:
        path = ROOT / entry
        yield from (sorted(path.glob("*.html")) if path.is_dir() else [path])


def test_accounts_strings_all_have_russian_translations():
    english = set()
    for path in _files():
        english |= set(CALL.findall(path.read_text(encoding="utf-8")))
    for name in VIEWS:
        english |= set(CALL.findall((ROOT / "anihome/web" / f"{name}.py").read_text(encoding="utf-8")))
    for name in SERVICES:
        english |= set(RAISED.findall((ROOT / "anihome/accounts" / f"{name}.py").read_text(encoding="utf-8")))
    assert len(english) > 80
    assert sorted(english - set(catalog("ru"))) == []


def test_the_accounts_catalog_has_no_stale_entries():
    ours = json.loads((ROOT / "anihome/i18n/ru/accounts.json").read_text(encoding="utf-8"))
    used = "".join(p.read_text(encoding="utf-8") for p in _files())
    used += "".join((ROOT / "anihome/web" / f"{n}.py").read_text(encoding="utf-8") for n in VIEWS)
    used += "".join((ROOT / "anihome/accounts" / f"{n}.py").read_text(encoding="utf-8") for n in SERVICES)
    assert [key for key in ours if f'"{key}"' not in used] == []

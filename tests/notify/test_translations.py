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


def test_no_notify_service_error_is_an_f_string():
    """A filled-in f-string can never match a catalog entry: messages with values are
    templates with ``values=`` (see ``AppError``), translated before they are filled in."""
    import ast

    found = []
    for path in SERVICES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"AppError", "NotFound", "Forbidden"}
                    and node.args and not isinstance(node.args[0], ast.Constant)):
                found.append(f"{path.name}:{node.lineno}")
    assert found == []


def test_a_service_error_with_a_value_reaches_the_russian_page_in_russian(client, db, members):
    from tests.library.conftest import meta_csrf
    from tests.support.web import sign_in_as

    alice = members[0]
    alice.locale = "ru"
    alice.save()
    sign_in_as(client, alice)
    answer = client.post("/account/notifications/channels", data={
        "csrf_token": meta_csrf(client), "kind": "ntfy", "name": "x" * 81, "url": "https://ntfy.example.org",
        "topic": "t"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Название канала — не длиннее 80 символов." in html
    assert "at most 80 characters" not in html


def test_the_api_keeps_the_filled_in_english_message(client, db, members):
    from anihome.errors import AppError

    error = AppError("A member can have at most %(n)s channels.", "kind", values={"n": 8})
    assert str(error) == "A member can have at most 8 channels."
    assert error.template == "A member can have at most %(n)s channels." and error.values == {"n": 8}
    from anihome.accounts import tokens
    from anihome.models import Channel
    from anihome.notify.channels import service
    from tests.api.conftest import bearer

    token = tokens.create(members[0], "test")[0]
    for i in range(service.MAX_CHANNELS):
        Channel.create(user=members[0].id, kind="ntfy", name=f"c{i}", created_at=members[0].created_at)
    answer = client.post("/api/v1/channels", json={"kind": "ntfy", "url": "https://ntfy.example.org", "topic": "t"},
                         headers=bearer(token))
    assert answer.get_json()["error"]["message"] == f"A member can have at most {service.MAX_CHANNELS} channels."

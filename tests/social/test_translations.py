"""Every English string of the social pages and services has a Russian translation."""
import json
import re
from pathlib import Path

from anihome.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "templates/social").glob("*.html")) + [
    ROOT / "anihome/web/social.py", ROOT / "anihome/web/admin_moderation.py"]
SERVICES = sorted((ROOT / "anihome/social").glob("*.py"))
CALL = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
RAISED = re.compile(r'(?:AppError|NotFound|Conflict|Forbidden)\(\s*"((?:[^"\\]|\\.)*)"(?: if [^"]* else\s*"((?:[^"\\]|\\.)*)")?')
SHOWN_AS_WORDS = {"visible", "hidden", "deleted", "hide", "restore", "delete", "mute", "unmute",
                  "comment", "review", "member",
                  "Household score"}  # the browse page's sort (templates/catalog/_browse_body.html)


def english_strings() -> set[str]:
    found = set(SHOWN_AS_WORDS)
    for path in FILES:
        found |= {a or b for a, b in CALL.findall(path.read_text(encoding="utf-8"))}
    for path in SERVICES:
        found |= {s for pair in RAISED.findall(path.read_text(encoding="utf-8")) for s in pair if s}
    return found


def test_social_strings_all_have_russian_translations():
    english = english_strings()
    assert len(english) > 80
    assert sorted(english - set(catalog("ru"))) == []


def test_the_social_catalog_has_no_stale_entries():
    ours = json.loads((ROOT / "anihome/i18n/ru/social.json").read_text(encoding="utf-8"))
    assert sorted(set(ours) - english_strings()) == []


def test_the_release_page_in_russian_has_no_english_left_in_the_thread(app, db, cat, people):
    from anihome.social import comments

    from .conftest import NOW, signed_in

    comments.post(people.alice, cat.serial.id, "привет", season=1, episode=2, now=NOW)
    client = signed_in(app, people.bob)
    client.client.set_cookie("lang", "ru")
    html = client.get(f"/watch/{cat.serial.id}?translation={cat.voice.id}&season=1&episode=2").get_data(as_text=True)
    part = html[html.index('id="comments"'):]
    for english in ("Show anyway", "Reply", "Your comment", "Send", "Episode comments", "Report"):
        assert english not in part

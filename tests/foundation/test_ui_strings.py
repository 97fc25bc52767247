"""Every English string of the household UI pieces (release-page controls, card actions,
error pages, player messages) has a Russian translation, and ui.json holds no stale entries."""
import json
import re
from pathlib import Path

from anihome.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]
FILES = ["templates/catalog/_release_member.html", "templates/catalog/_release_episode_tools.html",
         "templates/catalog/_release_episodes.html", "templates/library/_release_actions.html",
         "anihome/web/library.py", "anihome/web/library_forms.py", "anihome/library/mark_watched.py",
         "templates/errors/error.html", "anihome/web/error_pages.py", "anihome/errors.py",
         "anihome/error_responses.py",
         "templates/catalog/_browse_body.html", "templates/player/watch.html",
         "anihome/web/admin_kodik.py", "anihome/kodik/settings.py", "templates/admin/kodik.html",
         "templates/admin/members.html", "templates/account/index.html", "anihome/web/account.py"]
CALL = re.compile(r'_\(\s*"((?:[^"\\]|\\.)*)"')
CALL_SINGLE = re.compile(r"_\(\s*'((?:[^'\\]|\\.)*)'")
RAISED = re.compile(r'(?:AppError|NotFound|Conflict|Forbidden|_render\(\s*\d+,)\(?\s*"((?:[^"\\]|\\.)*)"')


def _english() -> set[str]:
    found = set()
    for name in FILES:
        text = (ROOT / name).read_text(encoding="utf-8")
        found |= set(CALL.findall(text)) | set(CALL_SINGLE.findall(text)) | set(RAISED.findall(text))
    from anihome.jobs.schedule_words import DAYS
    from anihome.kodik.connection import TokenCheckFailed
    from anihome.web.error_pages import STALE_FORM

    source = (ROOT / "anihome/jobs/schedule_words.py").read_text(encoding="utf-8")
    said = set(re.findall(r'"([^"]+)",\s*\{', source))  # (text, values) pairs
    found.add("Choose Russian, romaji or English titles.")  # accounts/users.set_title_language
    return found | set(STALE_FORM.values()) | set(TokenCheckFailed.MESSAGES.values()) | said | set(DAYS)


def test_the_household_ui_strings_all_have_russian_translations():
    from anihome.web.library import LIST_STATUS_LABELS

    english = _english() | set(LIST_STATUS_LABELS.values())
    assert len(english) > 30
    assert sorted(english - set(catalog("ru"))) == []


def test_the_ui_catalog_has_no_stale_entries():
    ours = json.loads((ROOT / "anihome/i18n/ru/ui.json").read_text(encoding="utf-8"))
    assert sorted(set(ours) - _english()) == []

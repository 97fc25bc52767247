"""Jobs write their progress in English from marked templates; pages say it in the reader's
language (web/progress_text.py), and every template has its Russian."""
import json
import re
from pathlib import Path

from anihome.web.progress_text import matchers, translated_progress

ROOT = Path(__file__).resolve().parents[2]
JOB_MODULES = ["anihome/kodik/jobs.py", "anihome/jobs/housekeeping.py", "anihome/jobs/backup.py",
               "anihome/ops/jobs.py", "anihome/notify/delivery.py", "anihome/artwork/posters.py",
               "anihome/learn/job.py", "anihome/learn/child.py", "anihome/analytics/jobs.py",
               "anihome/analytics/rollup.py"]
MARKED = re.compile(r'(?<![\w.])N_\(\s*"((?:[^"\\]|\\.)*)"')
PROGRESS_CALL = re.compile(r'progress\([^,]+,\s*"')  # a progress text not marked for translation


def _russian() -> dict:
    return json.loads((ROOT / "anihome/i18n/ru/job_progress.json").read_text(encoding="utf-8"))


def test_every_progress_text_of_a_job_is_marked_and_has_its_russian_and_nothing_else_is_kept():
    marked = set()
    for name in JOB_MODULES:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert not PROGRESS_CALL.search(text), f"{name} reports progress in words not marked with N_"
        marked |= set(MARKED.findall(text))
    assert len(marked) > 25
    assert sorted(marked ^ set(_russian())) == []


def test_a_stored_text_is_said_again_from_its_template_with_its_values():
    assert translated_progress("full sync: page 7, 542 of 600 items", "ru") == \
        "полная синхронизация: страница 7, записей 542 из 600"
    assert translated_progress("full sync: page 7, 542 items", "ru") == "полная синхронизация: страница 7, записей 542"
    assert translated_progress("skipped: kodik-full-sync is running", "ru") == "пропущена: идёт kodik-full-sync"
    assert translated_progress("done", "ru") == "готово"
    assert translated_progress("anihome-20261130-033000.db", "ru") == "anihome-20261130-033000.db"  # a backup's name
    assert translated_progress("full sync: page 7, 542 of 600 items", "en") == "full sync: page 7, 542 of 600 items"
    assert translated_progress(None, "ru") == ""


def test_the_run_pages_script_gets_the_same_templates_most_specific_first():
    pairs = matchers("ru")
    assert matchers("en") == []
    sources = [source for source, _ in pairs]
    with_total = sources.index(next(s for s in sources if s.startswith("^full\\ sync:\\ page") and "total" in s))
    without = sources.index(next(s for s in sources if s.startswith("^full\\ sync:\\ page") and "total" not in s))
    assert with_total < without
    assert all("(?P<" not in source for source in sources)  # JavaScript's named groups

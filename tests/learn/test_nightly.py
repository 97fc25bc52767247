"""The nightly learning run: a real child process over a real SQLite file, its results used."""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from anihome.jobs.runner import run_job
from anihome.learn import job, recommendations
from anihome.models import Forecast, ForecastReport, Recommendation, Release, SimilarRelease

ROOT = Path(__file__).resolve().parents[2]


def _genre_of(release_id: int) -> str:
    return Release.get_by_id(release_id).key.split(":")[0]


def test_the_learn_job_runs_the_child_and_its_results_land(app, house, caplog):
    caplog.set_level(logging.INFO)
    run = run_job(app, "learn")
    assert run.status == "succeeded", run.error
    steps = [r.getMessage() for r in caplog.records if r.name == "anihome.learn"]
    assert any(line.startswith("learn step=forecast ") for line in steps), steps  # the child's lines reach our log
    counts = run.counts_dict
    assert counts["members"] == 5 and counts["recommendations"] > 0 and counts["similar"] > 0
    assert 20 < counts["peak_rss_mb"] < 400
    assert Recommendation.select().where(Recommendation.user == house.alice.id).count() > 0
    assert Forecast.select().count() == 2  # the two releases watched lately
    assert {r.model for r in ForecastReport.select()} == {"seasonal_naive", "ridge"}


def test_recommendations_follow_taste_and_never_return_what_was_completed_or_dropped(app, house):
    assert run_job(app, "learn").status == "succeeded"
    alice = recommendations.for_member(house.alice, 6)
    ids = [item.release["id"] for item in alice]
    done = {r.id for r in house.releases["action"][:4]} | {house.releases["romance"][0].id}
    assert not done & set(ids)
    # Alice completed action titles: content leads to action.
    assert sum(_genre_of(i) == "action" for i in ids) >= 3, [_genre_of(i) for i in ids]
    # The comedy she only planned pulls comedy in: said as her genres, never "because you watched".
    assert all(i.reason in ("household", "popular", "genre") for i in alice if _genre_of(i.release["id"]) != "action")
    similar = [i for i in alice if i.reason == "similar"]
    assert similar and all(i.reason_release["id"] in done for i in similar)


def test_recommendations_stay_under_the_age_cap_even_after_it_is_lowered(app, house):
    assert run_job(app, "learn").status == "succeeded"
    kid = recommendations.for_member(house.kid, 20)
    assert kid and all(i.release["age_limit"] is not None and i.release["age_limit"] <= 12 for i in kid)
    house.alice.age_cap = 12
    house.alice.save()
    capped = recommendations.for_member(house.alice, 20)
    assert all(i.release["age_limit"] is not None and i.release["age_limit"] <= 12 for i in capped)


def test_a_title_completed_after_the_nightly_run_leaves_the_list_at_once(app, house):
    from anihome.library import lists

    assert run_job(app, "learn").status == "succeeded"
    first = recommendations.for_member(house.bob, 5)[0].release["id"]
    lists.set_entry(house.bob.id, first, {"status": "completed"})
    assert first not in [i.release["id"] for i in recommendations.for_member(house.bob, 5)]


def test_a_member_without_history_gets_popular_titles_in_genres_they_favour(app, house):
    items = recommendations.for_member(house.newbie, 5)  # no nightly run yet: cold start
    assert items and all(i.reason == "genre" for i in items)
    assert all(_genre_of(i.release["id"]) == "romance" for i in items)


def test_similar_titles_come_from_the_nightly_list_or_shared_genres(app, house):
    action = house.releases["action"]
    fallback = recommendations.similar_to(action[0].id, None, 5)
    assert fallback and all(_genre_of(c["id"]) == "action" for c in fallback)
    assert run_job(app, "learn").status == "succeeded"
    assert SimilarRelease.select().where(SimilarRelease.release == action[0].id).count() > 0
    nightly = recommendations.similar_to(action[0].id, 12, 5)
    assert nightly and all(c["age_limit"] is not None and c["age_limit"] <= 12 for c in nightly)
    assert action[0].id not in [c["id"] for c in nightly]


def test_a_failing_child_marks_the_run_failed_and_keeps_the_previous_results(app, house, monkeypatch):
    assert run_job(app, "learn").status == "succeeded"
    before = Recommendation.select().count()
    monkeypatch.setattr(job, "CHILD_MODULE", "anihome.learn.no_such_module")
    failed = run_job(app, "learn")
    assert failed.status == "failed" and "no_such_module" in failed.error
    assert Recommendation.select().count() == before


def test_a_scheduled_run_waits_while_someone_is_watching(app):
    calls = {"watching": [True, True, False], "slept": 0}

    class Ctx:
        def progress(self, fraction, text):
            calls["text"] = text

    def watching():
        return calls["watching"].pop(0)

    def sleep(seconds):
        calls["slept"] += seconds

    assert job.wait_for_idle(Ctx(), 120, sleep=sleep, watching=watching) is True
    assert calls["slept"] == 2 * job.POLL_SECONDS and calls["text"].startswith("waiting")
    assert job.wait_for_idle(Ctx(), 0, sleep=sleep, watching=lambda: True) is False


SERVING = """
import json, sys
from tests.conftest import make_app
from tests.learn.conftest import build_household
from anihome.jobs.runner import run_job
from pathlib import Path
app = make_app(Path(sys.argv[1]))
with app.app_context(), app.extensions["anihome.db"].connection_context():
    house = build_household()
    run = run_job(app, "learn")
client = app.test_client()
from tests.support.web import sign_in_as
with app.app_context(), app.extensions["anihome.db"].connection_context():
    sign_in_as(client, house.alice)
pages = [client.get("/").status_code, client.get("/api/v1/recommendations").status_code,
         client.get("/tonight?members=%d&minutes=90" % house.alice.id).status_code]
heavy = sorted(m for m in ("sklearn", "numpy", "scipy") if m in sys.modules)
print(json.dumps({"status": run.status, "pages": pages, "heavy": heavy}))
"""


def test_the_serving_process_never_imports_scikit_learn_numpy_or_scipy(tmp_path):
    done = subprocess.run([sys.executable, "-c", SERVING, str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer == {"status": "succeeded", "pages": [200, 200, 200], "heavy": []}

"""A job run's counters are said in words on the admin pages, in both languages: every name the
jobs count under has a label, and every label its Russian."""
from anihome.clock import utcnow
from anihome.i18n import catalog
from anihome.jobs.runner import run_job
from anihome.models import JobRun
from anihome.web.job_counts import LABELS, count_label

# The Kodik syncs need a Kodik: their counters are checked in tests/sync/test_sync_child.py.
OFFLINE_JOBS = ("kodik-demo", "backup", "housekeeping", "integrity-check", "analytics-rollup",
                "analytics-reports", "notify-deliver", "notify-digest", "notify-dub-stalled", "posters", "learn")


def test_every_counter_label_has_its_russian():
    russian = catalog("ru")
    assert sorted(label for label in LABELS.values() if not russian.get(label)) == []


def test_every_counter_the_jobs_report_has_a_label(app, db):
    counted = set()
    for job_id in OFFLINE_JOBS:
        run = run_job(app, job_id, "manual")
        counted |= set(run.counts_dict)
    assert {"releases_new", "bytes", "runs_deleted", "members", "recommendations", "peak_rss_mb"} <= counted
    assert sorted(name for name in counted if name not in LABELS) == []


def test_the_jobs_pages_say_the_counters_in_russian(app, client, owner, login):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        run = JobRun.create(job_id="kodik-full-sync", trigger="manual", status="succeeded", started_at=utcnow(),
                            finished_at=utcnow(), counts='{"releases_new": 191, "peak_rss_mb": 58, "someday_new": 1}')
    login(client, "owner")
    client.set_cookie("lang", "ru")
    for path in ("/admin/jobs/", f"/admin/jobs/runs/{run.id}"):
        page = client.get(path, headers={"Accept-Language": "ru"}).get_data(as_text=True)
        assert "новых тайтлов: <strong>191</strong>" in page and "пик памяти, МБ" in page, path
        assert "releases_new" not in page.split("data-count-labels")[0], path
        assert "someday new: <strong>1</strong>" in page, path  # a counter without a label yet
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert count_label("releases_new") == "new titles" and count_label("a_new_one") == "a new one"

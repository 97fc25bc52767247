"""The sync jobs run the sync in a child process: what the parent still sees and does.

The child writes the catalog and the notifications; the parent gets its progress, its log
lines and its catalog signals (its caches listen to them), and a run that fails in the child
fails in the parent with the child's reason.
"""
import logging

import pytest

from anihome.cache import get_cache
from anihome.jobs.runner import run_job
from anihome.kodik import jobs as kodik_jobs
from anihome.models import JobRun, Notification, Release
from anihome.notify import subscriptions
from anihome.web.job_counts import LABELS
from tests.conftest import close_app, make_app
from tests.notify.conftest import add_episodes, serial_translations
from tests.support.web import PASSWORD


@pytest.fixture
def house(tmp_path, fake):
    """An app syncing from the sync tests' fake Kodik, inside an app context and connection."""
    app = make_app(tmp_path, KODIK_URL=fake.base_url, KODIK_TOKEN=fake.token, KODIK_MAX_RPS=0)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        yield app
    close_app(app)


def _cached_catalog_entry(app) -> None:
    get_cache(app).set("test:catalog-entry", "cached", None, ("catalog",))


def _has_cached_catalog_entry(app) -> bool:
    return get_cache(app).get("test:catalog-entry") == "cached"


def test_a_full_sync_job_runs_in_a_child_whose_log_lines_and_counts_reach_the_parent(house, caplog):
    caplog.set_level(logging.INFO)
    run = run_job(house, "kodik-full-sync", "manual")

    assert run.status == "succeeded", run.error
    counts = run.counts_dict
    assert counts["total"] == counts["done"] > 90 and counts["items"] >= counts["done"]
    assert 10 < counts["peak_rss_mb"] < 300  # only the child reports its own peak
    assert sorted(name for name in counts if name not in LABELS) == []  # the admin pages name each
    assert Release.select().count() == counts["releases_new"] > 0
    done = [r for r in caplog.records if r.name == "anihome.kodik.sync" and "kodik sync full done" in r.getMessage()]
    assert len(done) == 1 and f"items={counts['items']}" in done[0].getMessage()
    assert run.progress == 1.0 and run.progress_text == f"full sync done: {counts['items']} items"


def test_new_episodes_found_by_the_child_notify_followers_and_drop_the_parents_cached_catalog(house, fake):
    from anihome.accounts.users import create_user

    assert run_job(house, "kodik-full-sync", "manual").status == "succeeded"
    alice = create_user("alice", PASSWORD, "member")
    target = serial_translations(fake, 1)[0]
    subscriptions.follow(alice.id, target.release_id)
    add_episodes(fake, [target], times=2)
    _cached_catalog_entry(house)

    run = run_job(house, "kodik-sync", "manual")

    assert run.status == "succeeded", run.error
    assert run.counts_dict["episodes_announced"] >= 2
    notes = list(Notification.select().where(Notification.user == alice.id, Notification.kind == "episodes"))
    assert len(notes) == 1 and notes[0].release_id == target.release_id
    assert not _has_cached_catalog_entry(house)


def test_a_child_that_dies_without_its_result_fails_the_run_with_its_last_words_and_drops_the_cache(
        house, monkeypatch):
    monkeypatch.setattr(kodik_jobs, "CHILD_MODULE", "anihome.kodik.no_such_module")
    _cached_catalog_entry(house)

    run = run_job(house, "kodik-full-sync", "manual")

    assert run.status == "failed" and "no_such_module" in run.error
    assert not _has_cached_catalog_entry(house)
    assert not Release.select().exists()


def test_a_sync_error_in_the_child_is_the_runs_readable_error(tmp_path, fake):
    app = make_app(tmp_path, KODIK_URL=fake.base_url, KODIK_TOKEN="wrong-token-123", KODIK_MAX_RPS=0)
    try:
        with app.app_context(), app.extensions["anihome.db"].connection_context():
            run = run_job(app, "kodik-full-sync", "manual")
            assert run.status == "failed"
            assert run.error.startswith("SyncError: Kodik token rejected"), run.error
            assert "wrong-token-123" not in run.error
            assert JobRun.select().count() == 1 and not Release.select().exists()
    finally:
        close_app(app)


def test_the_sync_child_starts_without_the_web_stack():
    """The child imports only what a sync needs: Flask, Jinja and Werkzeug cost it ~0.1 s of
    CPU and 8 MB at every start (once per SYNC_INTERVAL_MINUTES)."""
    import subprocess
    import sys

    code = ("import sys; import anihome.kodik.sync_child, anihome.kodik.sync, anihome.kodik.client, "
            "anihome.notify.fanout; print(','.join(m for m in ('flask', 'jinja2', 'werkzeug') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == ""

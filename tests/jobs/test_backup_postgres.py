"""A PostgreSQL household is backed up through pg_dump: verified archives, the same retention,
and a clear failure (job run and admin page) when pg_dump is missing."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from anihome.jobs.runner import run_job
from anihome.models import JobRun
from anihome.ops import pg_backups
from anihome.ops.backups import list_backups, verify_backup

from tests.conftest import make_app
from tests.support.web import sign_in_as

pytestmark = pytest.mark.postgres_only("backs up a PostgreSQL database with pg_dump (ANIHOME_TEST_DATABASE_URL)")


def _folder(app) -> Path:
    return Path(app.config["DATA_DIR"]) / "backups"


def test_the_backup_job_dumps_postgres_into_a_verified_archive_that_holds_the_data(app):
    with app.extensions["anihome.db"].connection_context():
        JobRun.create(job_id="marker", status="succeeded", started_at="2026-01-01 00:00:00")

    run = run_job(app, "backup")

    assert run.status == "succeeded", run.error
    [backup] = list_backups(_folder(app))
    assert backup.name.endswith(".dump") and backup.name == run.progress_text
    assert backup.path.stat().st_mode & 0o777 == 0o600
    assert verify_backup(backup).ok
    listed = subprocess.run([pg_backups.tool("pg_restore"), "--data-only", "--table=job_run", "--file=-",
                             str(backup.path)], capture_output=True, text=True, check=True).stdout
    assert "marker" in listed
    assert not [p for p in _folder(app).iterdir() if p.name.endswith(".partial")]


def test_postgres_backups_are_pruned_to_backup_keep(tmp_path):
    app = make_app(tmp_path, BACKUP_KEEP=2, BACKUP_KEEP_DAILY=0, BACKUP_KEEP_WEEKLY=0, BACKUP_KEEP_MONTHLY=0)
    made = [run_job(app, "backup").progress_text for _ in range(3)]

    assert sorted(b.name for b in list_backups(_folder(app))) == sorted(made[-2:])


def test_without_pg_dump_the_run_fails_saying_so_and_the_admin_page_shows_it(app, owner, monkeypatch):
    monkeypatch.setattr(pg_backups, "tool", lambda name: None)

    run = run_job(app, "backup")

    assert run.status == "failed" and "pg_dump is not installed" in run.error
    assert list_backups(_folder(app)) == []
    page = sign_in_as(app.test_client(), owner).get("/admin/system/").get_data(as_text=True)
    assert 'id="pg-dump-missing"' in page and 'id="engine-postgres"' in page
    assert "pg_dump is not installed" in page


def test_a_damaged_dump_fails_its_check(tmp_path):
    broken = tmp_path / "anihome-20260101-000000.dump"
    broken.write_bytes(b"PGDMP" + b"\x00" * 50)
    verdict = verify_backup(broken)
    assert not verdict.ok and "pg_restore cannot read it" in verdict.detail

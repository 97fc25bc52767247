"""The backup job makes sound SQLite copies into data/backups and keeps BACKUP_KEEP of them."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from anihome.jobs.runner import run_job
from anihome.models import JobRun

from tests.conftest import make_app


def _backups(app) -> list[Path]:
    return sorted((Path(app.config["DATA_DIR"]) / "backups").glob("anihome-*"))  # .db, or .dump on PostgreSQL


@pytest.mark.sqlite_only("opens the copy with sqlite3 (test_backup_postgres.py checks the pg_dump archive)")
def test_backup_job_writes_a_sound_copy_of_the_database(app):
    with app.extensions["anihome.db"].connection_context():
        JobRun.create(job_id="marker", status="succeeded", started_at="2026-01-01 00:00:00")

    run = run_job(app, "backup")

    assert run.status == "succeeded", run.error
    [copy] = _backups(app)
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT count(*) FROM job_run WHERE job_id='marker'").fetchone()[0] == 1
    finally:
        connection.close()
    counts = json.loads(run.counts)
    assert counts["bytes"] == copy.stat().st_size and counts["backups_kept"] == 1
    assert run.progress_text == copy.name


def test_backup_job_keeps_only_the_newest_backup_keep_copies(tmp_path):
    app = make_app(tmp_path, BACKUP_KEEP=2)
    made = [run_job(app, "backup").progress_text for _ in range(4)]

    assert [p.name for p in _backups(app)] == made[-2:]


def test_backup_job_fails_clearly_when_the_backup_folder_cannot_be_made(app):
    (Path(app.config["DATA_DIR"]) / "backups").write_text("not a folder")

    run = run_job(app, "backup")

    assert run.status == "failed"
    assert run.error.startswith("FileExistsError")

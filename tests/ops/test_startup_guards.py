"""Start-up refuses databases it must not touch, with a message that says what to do."""
from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from anihome import create_app
from anihome.db import close_all
from anihome.jobs.runner import run_job
from anihome.migrations import head_version
from anihome.ops import backups as backups_module
from anihome.serving.startup import StartupError, prepare_database

from tests.conftest import make_app
from tests.ops.test_backups import _corrupt_the_middle, _fill


def _new_app(data_dir: Path, **overrides):
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True, "SECRET_KEY": "t", **overrides})


def _refusal(data_dir: Path, **overrides) -> str:
    app = _new_app(data_dir, **overrides)
    try:
        with pytest.raises(StartupError) as caught:
            prepare_database(app)
    finally:
        close_all(app.extensions["anihome.db"])
    return str(caught.value)


@pytest.mark.sqlite_only("guards the SQLite file in the data dir")
def test_a_zero_byte_database_is_refused_and_never_initialised_over(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "anihome.db").write_bytes(b"")

    message = _refusal(data)

    assert str(data / "anihome.db") in message and "empty (0 bytes)" in message
    assert "move the file away" in message
    assert (data / "anihome.db").stat().st_size == 0


@pytest.mark.sqlite_only("guards the SQLite file in the data dir")
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "anihome.db").write_text("these are my notes, not a database\n" * 100)

    message = _refusal(data)

    assert "not an SQLite database" in message
    assert (data / "anihome.db").read_text().startswith("these are my notes")


@pytest.mark.sqlite_only("damages the SQLite file (quick_check at start-up)")
def test_a_damaged_database_is_refused_naming_the_newest_verified_backup(tmp_path):
    app = make_app(tmp_path)
    _fill(app)
    newest = Path(app.config["DATA_DIR"]) / "backups" / run_job(app, "backup").progress_text
    close_all(app.extensions["anihome.db"])
    _corrupt_the_middle(Path(app.config["DATA_DIR"]) / "anihome.db")

    message = _refusal(tmp_path / "data")

    assert "is damaged" in message
    assert f"The newest verified backup is {newest}" in message
    assert f"anihome backup restore {newest.name}" in message


@pytest.mark.sqlite_only("edits the SQLite file with sqlite3 (PostgreSQL: tests/ops/test_postgres_ops.py)")
def test_a_database_from_a_newer_schema_is_refused_and_left_as_it_was(tmp_path):
    app = make_app(tmp_path)
    close_all(app.extensions["anihome.db"])
    path = tmp_path / "data" / "anihome.db"
    newer = head_version() + 1
    with sqlite3.connect(path) as connection:
        connection.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'future', '2030-01-01')",
                           (newer,))
    connection.close()

    message = _refusal(tmp_path / "data")

    assert message.startswith(f"this database was written by a newer AniHome (schema {newer}")
    assert message.endswith("upgrade, or restore a backup")
    assert list((tmp_path / "data" / "backups").glob("*.db")) == []  # nothing was migrated or backed up


@pytest.mark.sqlite_only("drops an index through sqlite3 (verify_schema reads sqlite_master)")
def test_a_database_missing_an_index_its_migrations_made_is_refused(tmp_path):
    app = make_app(tmp_path)
    close_all(app.extensions["anihome.db"])
    path = tmp_path / "data" / "anihome.db"
    with sqlite3.connect(path) as connection:
        [index] = connection.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='job_run' "
                                     "AND sql LIKE '%started_at%' AND sql LIKE '%job_id%'").fetchone()
        connection.execute(f'DROP INDEX "{index}"')
    connection.close()

    message = _refusal(tmp_path / "data")

    assert f"index {index}" in message and "edited migration" in message


@pytest.mark.sqlite_only("the pre-migration backup copies the SQLite file")
def test_a_pre_migration_backup_that_hits_a_full_disk_stops_start_up_cleanly(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    close_all(app.extensions["anihome.db"])
    path = tmp_path / "data" / "anihome.db"
    with sqlite3.connect(path) as connection:  # pretend the last migration is not applied yet
        connection.execute("DELETE FROM schema_version WHERE version = ?", (head_version(),))
    connection.close()

    def empty_then_full(source, target):
        target.write_bytes(b"")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups_module, "_copy", empty_then_full)
    message = _refusal(tmp_path / "data")

    assert "cannot make the backup taken before migrating" in message and "disk full" in message
    assert [p.name for p in (tmp_path / "data" / "backups").iterdir()] == []


def test_a_healthy_database_starts_and_is_checked_once(tmp_path):
    app = make_app(tmp_path)
    close_all(app.extensions["anihome.db"])
    again = _new_app(tmp_path / "data")
    assert prepare_database(again) == []
    close_all(again.extensions["anihome.db"])


def test_a_migration_that_meets_a_full_disk_says_disk_full_not_cannot_rollback(tmp_path, monkeypatch):
    import anihome.serving.startup as startup
    from anihome.migrations import MigrationError

    from tests.ops.test_health import _disk_full_error

    def full(db, before=None):
        error = _disk_full_error()
        raise MigrationError(f"migration 0017_job_liveness failed: {error}") from error

    monkeypatch.setattr(startup, "migrate", full)
    message = _refusal(tmp_path / "data")

    assert message.startswith("disk full: migrating") and "cannot rollback" not in message

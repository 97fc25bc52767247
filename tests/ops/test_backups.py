"""Backups cannot eat themselves: verified before they count, pruned only after a verified one."""
from __future__ import annotations

import errno
import json
import random
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from anihome.db import close_all
from anihome.jobs.runner import run_job
from anihome.migrations.backup import backup_sqlite
from anihome.models import JobRun
from anihome.ops import backups as backups_module
from anihome.ops.backups import (BackupError, BackupFile, Retention, backups_to_keep, list_backups,
                                 make_backup)
from anihome.ops.integrity import check_file

from tests.conftest import make_app

pytestmark = pytest.mark.sqlite_only("SQLite backup files: corruption, WAL/-shm, the copy's disk-full path "
                                     "(PostgreSQL's pg_dump backups: tests/jobs/test_backup_postgres.py)")


def _folder(app) -> Path:
    return Path(app.config["DATA_DIR"]) / "backups"


def _fill(app, rows: int = 3000) -> None:
    """Enough rows that the database spans many pages (about 1.5 MB)."""
    with app.extensions["anihome.db"].connection_context():
        JobRun.insert_many([{"job_id": f"filler-{i}", "status": "succeeded", "started_at": datetime(2026, 1, 1),
                             "error": "x" * 400} for i in range(rows)]).execute()


def _corrupt_the_middle(path: Path, size: int = 64 * 1024) -> None:
    """Overwrite about ``size`` bytes of table-leaf pages from the middle of the file on.

    Only leaf pages (type 0x0D), so SQLite still finds its way to the end of each table and
    can record new rows (a job run) while quick_check reports the damage; noise over interior
    pages would depend on where other areas' tables happen to put them."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    page = 65536 if page == 1 else page
    rng = random.Random(15)
    start = (len(data) // 2) // page * page
    done = 0
    for offset in range(start, len(data) - page, page):
        if done >= size:
            break
        if data[offset] == 0x0D:
            data[offset + 1:offset + page] = rng.randbytes(page - 1)
            done += page
    path.write_bytes(bytes(data))


def test_backups_of_a_corrupted_database_fail_and_the_good_backups_stay(tmp_path):
    app = make_app(tmp_path, BACKUP_KEEP=5)
    _fill(app)
    good = [run_job(app, "backup") for _ in range(5)]
    assert all(run.status == "succeeded" for run in good), [r.error for r in good]
    good_names = sorted(p.name for p in _folder(app).glob("anihome-*.db"))
    assert len(good_names) == 5

    database_file = Path(app.config["DATA_DIR"]) / "anihome.db"
    close_all(app.extensions["anihome.db"])  # checkpoint the WAL into the file, drop cached pages
    _corrupt_the_middle(database_file)
    assert not check_file(database_file).ok

    runs = [run_job(app, "backup") for _ in range(5)]

    assert [run.status for run in runs] == ["failed"] * 5
    assert "integrity check" in runs[0].error and "older backups were kept" in runs[0].error
    assert sorted(p.name for p in _folder(app).glob("anihome-*.db")) == good_names
    assert all(check_file(p).ok for p in _folder(app).glob("*.db"))
    assert sorted(p.name for p in _folder(app).iterdir()) == good_names  # no partial, -wal or -shm


def test_a_full_disk_leaves_no_file_named_like_a_backup_and_says_disk_full(app, monkeypatch):
    real_copy = backups_module._copy

    def copy_then_run_out_of_space(source, target):
        real_copy(source, target)
        raise OSError(errno.ENOSPC, "No space left on device")

    assert run_job(app, "backup").status == "succeeded"
    before = sorted(p.name for p in _folder(app).iterdir())
    monkeypatch.setattr(backups_module, "_copy", copy_then_run_out_of_space)

    run = run_job(app, "backup")

    assert run.status == "failed"
    assert "disk full" in run.error
    assert sorted(p.name for p in _folder(app).iterdir()) == before


def test_sqlite_reporting_a_full_disk_is_a_disk_full_backup_error(tmp_path, monkeypatch):
    source = tmp_path / "a.db"
    with sqlite3.connect(source) as connection:
        connection.execute("CREATE TABLE t (x)")

    def full(source, target):
        target.write_bytes(b"")
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = 13
        raise error

    monkeypatch.setattr(backups_module, "_copy", full)
    with pytest.raises(BackupError) as caught:
        make_backup(source, tmp_path / "backups", "anihome")
    assert caught.value.disk_full
    assert list((tmp_path / "backups").iterdir()) == []


def test_a_failed_pre_migration_backup_leaves_no_zero_byte_backup(tmp_path, monkeypatch):
    source = tmp_path / "a.db"
    with sqlite3.connect(source) as connection:
        connection.execute("CREATE TABLE t (x)")

    def empty_then_full(source, target):
        target.write_bytes(b"")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups_module, "_copy", empty_then_full)
    with pytest.raises(BackupError, match="disk full"):
        backup_sqlite(source, tmp_path / "backups", "pre-migration-v3", keep=2)
    assert list((tmp_path / "backups").iterdir()) == []


def test_a_backup_is_self_contained_and_leaves_no_wal_or_shm(app):
    assert run_job(app, "backup").status == "succeeded"
    [copy] = _folder(app).iterdir()
    assert check_file(copy).ok
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        connection.close()
    assert [p.name for p in _folder(app).iterdir()] == [copy.name]


def test_orphan_wal_and_shm_files_and_stale_partials_are_cleaned_up(app):
    assert run_job(app, "backup").status == "succeeded"
    [copy] = _folder(app).iterdir()
    (copy.parent / (copy.name + "-wal")).write_bytes(b"")
    (copy.parent / (copy.name + "-shm")).write_bytes(b"")
    stale = copy.parent / ".anihome-20200101-000000-000000.db.partial"
    stale.write_bytes(b"half a copy")
    import os
    os.utime(stale, (0, 0))

    assert run_job(app, "backup").status == "succeeded"

    names = sorted(p.name for p in _folder(app).iterdir())
    assert len(names) == 2 and all(n.startswith("anihome-") and n.endswith(".db") for n in names)


def test_a_missing_or_empty_database_is_never_backed_up(tmp_path):
    empty = tmp_path / "anihome.db"
    empty.write_bytes(b"")
    with pytest.raises(BackupError, match="empty"):
        make_backup(empty, tmp_path / "backups", "anihome")
    with pytest.raises(BackupError, match="does not exist"):
        make_backup(tmp_path / "nope.db", tmp_path / "backups", "anihome")
    assert not (tmp_path / "backups").exists() or list((tmp_path / "backups").iterdir()) == []


def _fake(stamp: datetime) -> BackupFile:
    return BackupFile(Path(f"anihome-{stamp:%Y%m%d-%H%M%S}-000000.db"), "anihome", stamp, 1)


def test_retention_keeps_the_newest_and_one_backup_per_day_week_and_month():
    start = datetime(2026, 1, 1, 3, 30)
    nightly = [_fake(start + timedelta(days=d)) for d in range(120)]  # Jan 1 .. Apr 30
    nightly.append(_fake(start + timedelta(days=119, hours=12)))  # a second one on the last day

    kept = backups_to_keep(nightly, Retention(keep=2, daily=3, weekly=2, monthly=3))

    names = sorted(p.name[8:16] for p in kept)
    # newest two (both on Apr 30), Apr 28-30 daily, the newest of this ISO week and last week
    # (Apr 26 is a Sunday), and the newest of April, March and February
    assert names == ["20260228", "20260331", "20260426", "20260428", "20260429", "20260430", "20260430"]


def test_the_backup_job_prunes_with_generations_only_after_a_verified_copy(tmp_path):
    app = make_app(tmp_path, BACKUP_KEEP=1, BACKUP_KEEP_DAILY=2, BACKUP_KEEP_WEEKLY=0, BACKUP_KEEP_MONTHLY=0)
    folder = _folder(app)
    folder.mkdir()
    for day in (1, 2, 3):
        make_backup(Path(app.config["DATA_DIR"]) / "anihome.db", folder, "anihome").path.rename(
            folder / f"anihome-202601{day:02d}-033000-000000.db")

    run = run_job(app, "backup")

    assert run.status == "succeeded", run.error
    assert json.loads(run.counts)["backups_pruned"] == 2
    names = sorted(p.name for p in folder.glob("anihome-*.db"))
    assert names[0] == "anihome-20260103-033000-000000.db" and len(names) == 2
    assert [b.name for b in list_backups(folder)][-1] == names[0]


def test_the_system_page_reports_a_failed_backup(app, client, monkeypatch):
    from tests.conftest import make_user, sign_in

    def broken(source, target):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups_module, "_copy", broken)
    assert run_job(app, "backup").status == "failed"
    make_user(app, "owner", "owner")
    assert sign_in(client, "owner").status_code == 302

    html = client.get("/admin/system/").get_data(as_text=True)

    assert 'id="backup-failed"' in html and "disk full" in html


def test_backups_are_private_to_the_account_that_runs_anihome(app):
    import stat

    assert run_job(app, "backup").status == "succeeded"
    [copy] = _folder(app).iterdir()
    assert stat.S_IMODE(_folder(app).stat().st_mode) == 0o700
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600

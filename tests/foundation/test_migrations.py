"""Migrations: from empty and from the first migration to head, backups, failures."""
import sqlite3

import pytest

from anihome import create_app
from anihome.migrations import Migration, MigrationError, current_version, discover, head_version, migrate
from anihome.migrations.backup import backup_sqlite
from anihome.serving.startup import StartupError, prepare_database


def _tables(path):
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_migrations_are_numbered_without_duplicates():
    versions = [m.version for m in discover()]
    assert versions == sorted(set(versions))
    assert versions[0] == 1


@pytest.mark.sqlite_only("reads the new SQLite file's tables (the PostgreSQL test database is cloned at head)")
def test_empty_database_migrates_to_head_and_records_each_version(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})
    applied = prepare_database(app)
    assert applied == [m.version for m in discover()]
    db = app.extensions["anihome.db"]
    with db.connection_context():
        assert current_version(db) == head_version()
        rows = db.execute_sql("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert [r[0] for r in rows] == applied
    assert {"user", "job_run", "release", "translation"} <= _tables(tmp_path / "anihome.db")
    # An empty database has nothing worth backing up.
    assert not (tmp_path / "backups").exists()


def test_second_start_applies_nothing(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})
    prepare_database(app)
    assert prepare_database(create_app({"DATA_DIR": str(tmp_path)})) == []


@pytest.mark.sqlite_only("raw SQLite SQL at schema 1 and the SQLite pre-migration backup")
def test_upgrade_from_first_migration_keeps_data_and_backs_up_first(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "BACKUP_KEEP": 2})
    db = app.extensions["anihome.db"]
    with db.connection_context():
        migrate(db, target=1)
        db.execute_sql(
            "INSERT INTO user (username, username_key, password_hash, role, is_active, created_at)"
            " VALUES ('Аня', 'аня', 'x', 'owner', 1, '2026-01-01 00:00:00')")
    applied = prepare_database(app)
    assert applied and applied[0] == 2 and applied[-1] == head_version()
    with sqlite3.connect(tmp_path / "anihome.db") as conn:
        assert conn.execute("SELECT username, role FROM user").fetchall() == [("Аня", "owner")]
    backups = list((tmp_path / "backups").glob("pre-migration-v1-*.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
        assert conn.execute("SELECT username FROM user").fetchall() == [("Аня",)]


def _broken_migrations():
    def up_bad(db):
        db.execute_sql("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
        raise RuntimeError("boom")

    return discover() + [Migration(head_version() + 1, "broken", up_bad)]


def test_failed_migration_rolls_back_and_names_itself(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})
    db = app.extensions["anihome.db"]
    with db.connection_context():
        with pytest.raises(MigrationError, match=r"_broken failed: boom"):
            migrate(db, _broken_migrations())
        assert current_version(db) == head_version()
        assert "half_done" not in db.get_tables()


def test_failed_migration_stops_startup_with_a_clear_message(tmp_path, monkeypatch):
    import anihome.serving.startup as startup

    monkeypatch.setattr(startup, "migrate", lambda db, before=None: migrate(db, _broken_migrations(), before=before))
    app = create_app({"DATA_DIR": str(tmp_path)})
    with pytest.raises(StartupError, match="broken failed"):
        prepare_database(app)


def test_backups_are_capped(tmp_path):
    source = tmp_path / "a.db"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE t (x)")
    for _ in range(4):
        backup_sqlite(source, tmp_path / "backups", "nightly", keep=2)
    assert len(list((tmp_path / "backups").glob("nightly-*.db"))) == 2


@pytest.mark.sqlite_only("checks the SQLite pragmas (WAL, busy timeout) every connection gets")
def test_sqlite_pragmas_are_applied(app, db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_a_migration_numbered_below_the_applied_version_is_refused(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})
    db = app.extensions["anihome.db"]
    with db.connection_context():
        migrate(db)
        late = Migration(head_version() + 5, "late", lambda d: None)
        migrate(db, discover() + [late])
        stray = Migration(head_version() + 1, "stray", lambda d: None)
        with pytest.raises(MigrationError, match="stray are numbered below"):
            migrate(db, discover() + [late, stray])

"""Operations on a PostgreSQL household: schema guard, an unknown backup name refused, and a
household archive whose snapshot is a sound SQLite database (restores: test_pg_restore.py)."""
from __future__ import annotations

import sqlite3
import zipfile

import pytest
from click.testing import CliRunner

from anihome.cli import build_cli
from anihome.db import close_all, is_postgres
from anihome.migrations import head_version
from anihome.serving.startup import StartupError, prepare_database

from tests.conftest import make_app, make_user

pytestmark = pytest.mark.postgres_only("a PostgreSQL household (ANIHOME_TEST_DATABASE_URL)")


def test_a_postgres_database_from_a_newer_schema_is_refused(tmp_path):
    app = make_app(tmp_path)
    database = app.extensions["anihome.db"]
    assert is_postgres(database)
    newer = head_version() + 1
    with database.connection_context():
        database.execute_sql("INSERT INTO schema_version (version, name, applied_at) VALUES (%s, 'future', now())",
                             [newer])
    with pytest.raises(StartupError, match=f"newer AniHome \\(schema {newer}"):
        prepare_database(app)
    close_all(database)


def test_backup_restore_of_an_unknown_dump_on_postgres_names_the_folder_and_changes_nothing(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    make_user(app, "owner", "owner")
    monkeypatch.setenv("ANIHOME_DATA_DIR", app.config["DATA_DIR"])
    monkeypatch.setenv("ANIHOME_DATABASE_URL", app.config["DATABASE_URL"])
    close_all(app.extensions["anihome.db"])

    result = CliRunner().invoke(build_cli(), ["backup", "restore", "anihome-20260101-000000.dump", "--yes"])

    assert result.exit_code == 1 and "no backup 'anihome-20260101-000000.dump' (looked in" in result.output
    assert not (tmp_path / "data" / "replaced").exists()
    with app.extensions["anihome.db"].connection_context():
        assert app.extensions["anihome.db"].execute_sql('SELECT username FROM "user"').fetchall() == [("owner",)]
    close_all(app.extensions["anihome.db"])


def test_a_household_archive_from_postgres_holds_a_sound_sqlite_snapshot(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    make_user(app, "owner", "owner")
    make_user(app, "Маша")
    monkeypatch.setenv("ANIHOME_DATA_DIR", app.config["DATA_DIR"])
    monkeypatch.setenv("ANIHOME_DATABASE_URL", app.config["DATABASE_URL"])
    close_all(app.extensions["anihome.db"])

    result = CliRunner().invoke(build_cli(), ["export-household", str(tmp_path / "home.zip")])

    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "home.zip") as archive:
        archive.extract("anihome.db", tmp_path / "unpacked")
    connection = sqlite3.connect(tmp_path / "unpacked" / "anihome.db")
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert sorted(r[0] for r in connection.execute("SELECT username FROM user")) == ["owner", "Маша"]
        assert connection.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == head_version()
    finally:
        connection.close()

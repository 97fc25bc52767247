"""Restoring a pg_dump backup on a PostgreSQL household: from Admin → System or the command line,
the current database kept aside first, everyone signed out, all or nothing."""
from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg2
import pytest
from click.testing import CliRunner

from anihome.cli import build_cli
from anihome.db import close_all
from anihome.jobs.runner import run_job
from anihome.migrations import head_version
from anihome.ops.pg_backups import tool
from anihome.ops.pg_restore import restore_pg_backup
from anihome.ops.restore import RestoreError

from tests.conftest import csrf_token, make_app, make_user, sign_in

pytestmark = pytest.mark.postgres_only("restores pg_dump archives into a PostgreSQL household")


@pytest.fixture
def household(tmp_path, monkeypatch):
    """owner + masha, a verified backup of them, then petya joins and masha signs in."""
    app = make_app(tmp_path)
    make_user(app, "owner", "owner")
    make_user(app, "masha")
    backup = run_job(app, "backup")
    assert backup.status == "succeeded", backup.error
    make_user(app, "petya")
    masha = app.test_client()
    assert sign_in(masha, "masha").status_code == 302
    monkeypatch.setenv("ANIHOME_DATA_DIR", app.config["DATA_DIR"])
    monkeypatch.setenv("ANIHOME_DATABASE_URL", app.config["DATABASE_URL"])
    yield app, backup.progress_text, masha
    close_all(app.extensions["anihome.db"])


def _query(app, sql: str) -> list[tuple]:
    connection = psycopg2.connect(app.config["DATABASE_URL"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        connection.close()


def _execute(app, sql: str) -> None:
    connection = psycopg2.connect(app.config["DATABASE_URL"])
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def _usernames(app) -> list[str]:
    return [row[0] for row in _query(app, 'SELECT username FROM "user" ORDER BY username')]


def _archive_users(path: Path) -> str:
    return subprocess.run([tool("pg_restore"), "--data-only", "--table=user", "--file=-", str(path)],
                          capture_output=True, text=True, check=True).stdout


def test_the_owner_restores_a_postgres_backup_from_the_system_page_and_everyone_else_is_signed_out(household):
    app, backup, masha = household
    client = app.test_client()
    assert sign_in(client, "owner").status_code == 302
    page = client.get("/admin/system/").get_data(as_text=True)
    assert f'data-restore="{backup}"' in page and "use its Restore link" in page
    assert client.get(f"/admin/system/restore?backup={backup}").status_code == 200

    answer = client.post("/admin/system/restore", data={"backup": backup, "confirm": "yes",
                                                        "csrf_token": csrf_token(client, "/admin/system/")})

    assert answer.status_code == 302
    assert _usernames(app) == ["masha", "owner"]
    [aside] = (Path(app.config["DATA_DIR"]) / "replaced").glob("anihome-*.dump")
    assert "petya" in _archive_users(aside)  # what was replaced can be restored again
    followed = client.get("/admin/system/")
    assert followed.status_code == 200 and "Restored" in followed.get_data(as_text=True)
    assert masha.get("/", follow_redirects=False).status_code == 302  # her session was in the replaced rows
    assert _query(app, "SELECT COUNT(*) FROM household_screen")[0][0] == 0
    assert client.get("/api/v1/health").get_json()["status"] == "ok"
    make_user(app, "vasya")  # the restored id sequences hand out free ids
    assert _usernames(app) == ["masha", "owner", "vasya"]
    assert _query(app, "SELECT COUNT(*) FROM release_search")  # the search tables came back with it


def test_restoring_from_the_command_line_loads_the_dump_and_keeps_the_replaced_database(household):
    app, backup, _masha = household
    close_all(app.extensions["anihome.db"])

    result = CliRunner().invoke(build_cli(), ["backup", "restore", backup, "--yes"], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert f"restored {backup} (schema {head_version()}, now {head_version()})" in result.output
    assert "the replaced database is in" in result.output and ".dump" in result.output
    assert _usernames(app) == ["masha", "owner"]
    assert _query(app, "SELECT COUNT(*) FROM user_session")[0][0] == 0


def test_a_truncated_archive_fails_its_check_and_nothing_changes(household):
    app, backup, _masha = household
    path = Path(app.config["DATA_DIR"]) / "backups" / backup
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 3 // 4])
    close_all(app.extensions["anihome.db"])

    with pytest.raises(RestoreError, match="failed its check"):
        restore_pg_backup(app.config["ANIHOME_SETTINGS"], backup, head_version())

    assert _usernames(app) == ["masha", "owner", "petya"]


def test_a_failure_at_the_end_of_the_load_rolls_back_the_dropped_tables_too(household, monkeypatch):
    from anihome.ops import pg_restore

    app, backup, _masha = household
    monkeypatch.setattr(pg_restore, "_POSTLUDE", "SELECT 1/0;")  # after every table was dropped and reloaded
    close_all(app.extensions["anihome.db"])

    with pytest.raises(RestoreError, match="division by zero.*rolled back, nothing was changed"):
        restore_pg_backup(app.config["ANIHOME_SETTINGS"], backup, head_version())

    assert _usernames(app) == ["masha", "owner", "petya"]
    assert _query(app, "SELECT COUNT(*) FROM user_session")[0][0] == 1
    assert _query(app, "SELECT MAX(version) FROM schema_version")[0][0] == head_version()


def test_a_backup_from_a_newer_anihome_is_refused_before_anything_changes(household):
    app, _backup, _masha = household
    newer = head_version() + 1
    _execute(app, f"INSERT INTO schema_version (version, name, applied_at) VALUES ({newer}, 'future', now())")
    future = run_job(app, "backup").progress_text
    _execute(app, f"DELETE FROM schema_version WHERE version = {newer}")
    close_all(app.extensions["anihome.db"])

    with pytest.raises(RestoreError, match=f"newer AniHome \\(schema {newer}\\)"):
        restore_pg_backup(app.config["ANIHOME_SETTINGS"], future, head_version())

    assert _usernames(app) == ["masha", "owner", "petya"]
    assert not (Path(app.config["DATA_DIR"]) / "replaced").exists()


def test_an_sqlite_backup_is_not_restored_into_a_postgres_household(household):
    app, _backup, _masha = household
    stray = Path(app.config["DATA_DIR"]) / "backups" / "anihome-20260101-000000-000000.db"
    stray.write_bytes(b"SQLite format 3\x00")

    with pytest.raises(RestoreError, match="not a PostgreSQL backup"):
        restore_pg_backup(app.config["ANIHOME_SETTINGS"], stray.name, head_version())
    assert _usernames(app) == ["masha", "owner", "petya"]


def test_backup_list_shows_a_dumps_schema_and_checks_it_with_pg_restore(household):
    app, backup, _masha = household

    result = CliRunner().invoke(build_cli(), ["backup", "list", "--check"], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    [row] = [line for line in result.output.splitlines() if line.startswith(backup)]
    assert row.split()[-2:] == [str(head_version()), "ok"]

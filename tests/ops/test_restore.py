"""Restore: backup -> change -> restore brings the backup back, keeps the replaced file, refuses safely."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from anihome.cli import build_cli
from anihome.db import close_all
from anihome.jobs.runner import run_job
from anihome.ops.restore import ServerLock

from tests.conftest import make_app, make_user
from tests.ops.test_backups import _corrupt_the_middle


@pytest.fixture
def household(tmp_path, monkeypatch):
    """A migrated household with members masha and petya, a backup made between them."""
    monkeypatch.setenv("ANIHOME_DATA_DIR", str(tmp_path / "data"))
    app = make_app(tmp_path)
    make_user(app, "owner", "owner")
    make_user(app, "masha")
    backup = run_job(app, "backup").progress_text
    make_user(app, "petya")  # the change the restore must undo
    close_all(app.extensions["anihome.db"])
    return tmp_path / "data", backup


def _usernames(data_dir: Path) -> list[str]:
    connection = sqlite3.connect(data_dir / "anihome.db")
    try:
        return sorted(row[0] for row in connection.execute("SELECT username FROM user"))
    finally:
        connection.close()


def _invoke(*args):
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


@pytest.mark.sqlite_only("restores SQLite backup files (PostgreSQL: tests/ops/test_pg_restore.py)")
def test_backup_change_restore_undoes_the_change_and_keeps_everything_else(household):
    data_dir, backup = household
    assert _usernames(data_dir) == ["masha", "owner", "petya"]

    result = _invoke("backup", "restore", backup, "--yes")

    assert result.exit_code == 0, result.output
    assert f"restored {backup}" in result.output
    assert _usernames(data_dir) == ["masha", "owner"]
    [replaced] = (data_dir / "replaced").glob("anihome-*.db")
    assert f"the replaced database is in {replaced}" in result.output
    connection = sqlite3.connect(replaced)
    try:
        assert connection.execute("SELECT count(*) FROM user WHERE username='petya'").fetchone()[0] == 1
    finally:
        connection.close()
    app = make_app(data_dir.parent)  # the restored database starts and passes every check
    close_all(app.extensions["anihome.db"])


@pytest.mark.sqlite_only("restores SQLite backup files (PostgreSQL: tests/ops/test_pg_restore.py)")
def test_restore_is_refused_while_the_server_holds_the_lock(household):
    data_dir, backup = household
    with ServerLock(data_dir):
        result = _invoke("backup", "restore", backup, "--yes")

    assert result.exit_code == 1
    assert "AniHome is running" in result.output and "stop it first" in result.output
    assert _usernames(data_dir) == ["masha", "owner", "petya"]


@pytest.mark.sqlite_only("restores SQLite backup files (PostgreSQL: tests/ops/test_pg_restore.py)")
def test_a_damaged_backup_is_not_restored(household):
    data_dir, backup = household
    _corrupt_the_middle(data_dir / "backups" / backup, size=4096)

    result = _invoke("backup", "restore", backup, "--yes")

    assert result.exit_code == 1 and "failed its integrity check" in result.output
    assert _usernames(data_dir) == ["masha", "owner", "petya"]
    assert not (data_dir / "replaced").exists()


@pytest.mark.sqlite_only("lists SQLite backups (PostgreSQL: tests/ops/test_postgres_ops.py)")
def test_an_unknown_backup_name_lists_the_newest_ones(household):
    data_dir, backup = household
    result = _invoke("backup", "restore", "anihome-19990101-000000-000000.db", "--yes")
    assert result.exit_code == 1 and backup in result.output


@pytest.mark.sqlite_only("restores SQLite backup files (PostgreSQL: tests/ops/test_pg_restore.py)")
def test_backup_list_shows_each_backup_with_its_schema_and_the_restore_command(household):
    from anihome.migrations import head_version

    data_dir, backup = household
    result = _invoke("backup", "list", "--check")

    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith(backup))
    assert row.split()[-2:] == [str(head_version()), "ok"]
    assert "anihome backup restore NAME" in result.output


def test_a_second_server_on_the_same_data_dir_is_refused(tmp_path):
    with ServerLock(tmp_path):
        from anihome.ops.restore import ServerRunning

        with pytest.raises(ServerRunning):
            ServerLock(tmp_path).acquire()
    with ServerLock(tmp_path):  # released with the first holder
        pass


def _owner_client(app):
    from tests.conftest import sign_in

    client = app.test_client()
    assert sign_in(client, "owner").status_code == 302
    return client


@pytest.mark.sqlite_only("restores SQLite backup files (PostgreSQL: tests/ops/test_pg_restore.py)")
def test_the_owner_restores_a_backup_from_the_system_page_and_the_server_keeps_serving(household):
    from tests.conftest import csrf_token

    data_dir, backup = household
    app = make_app(data_dir.parent)
    client = _owner_client(app)
    page = client.get("/admin/system/").get_data(as_text=True)
    assert f'data-restore="{backup}"' in page
    confirm = client.get(f"/admin/system/restore?backup={backup}")
    assert confirm.status_code == 200 and backup in confirm.get_data(as_text=True)

    answer = client.post("/admin/system/restore", data={"backup": backup, "confirm": "yes",
                                                        "csrf_token": csrf_token(client, "/admin/system/")})

    assert answer.status_code == 302
    assert _usernames(data_dir) == ["masha", "owner"]
    assert len(list((data_dir / "replaced").glob("anihome-*.db"))) == 1
    followed = client.get("/admin/system/")
    assert followed.status_code == 200 and "Restored" in followed.get_data(as_text=True)
    assert client.get("/api/v1/health").get_json()["status"] == "ok"
    close_all(app.extensions["anihome.db"])


@pytest.mark.sqlite_only("restores SQLite backup files (PostgreSQL: tests/ops/test_pg_restore.py)")
def test_restoring_needs_the_confirmation_box_and_the_owner(household):
    from tests.conftest import csrf_token, sign_in

    data_dir, backup = household
    app = make_app(data_dir.parent)
    client = _owner_client(app)
    unconfirmed = client.post("/admin/system/restore", data={"backup": backup,
                                                             "csrf_token": csrf_token(client, "/admin/system/")})
    assert unconfirmed.status_code == 302
    make_user(app, "boss", "admin")
    admin = app.test_client()
    sign_in(admin, "boss")
    denied = admin.post("/admin/system/restore", data={"backup": backup, "confirm": "yes",
                                                       "csrf_token": csrf_token(admin, "/admin/system/")})
    assert denied.status_code == 403
    assert _usernames(data_dir) == ["boss", "masha", "owner", "petya"]
    close_all(app.extensions["anihome.db"])


@pytest.mark.sqlite_only("restores SQLite backup files (PostgreSQL: tests/ops/test_pg_restore.py)")
def test_a_restore_is_refused_while_a_job_runs(household):
    from anihome.errors import Conflict
    from anihome.jobs.state import job_state
    from anihome.ops.maintenance import restore_in_server

    data_dir, backup = household
    app = make_app(data_dir.parent)
    job_state(app).active["kodik-sync"] = 1
    with pytest.raises(Conflict, match="kodik-sync"):
        restore_in_server(app, backup, "owner")
    assert _usernames(data_dir) == ["masha", "owner", "petya"]
    close_all(app.extensions["anihome.db"])


def test_requests_during_a_restore_get_503_maintenance(app, client):
    from anihome.ops.maintenance import _flag

    _flag(app).set()
    try:
        answer = client.get("/api/v1/health")
        page = client.get("/")
    finally:
        _flag(app).clear()
    assert answer.status_code == 503 and answer.get_json()["error"]["code"] == "maintenance"
    assert page.status_code == 503 and answer.headers["Retry-After"] == "30"


@pytest.mark.sqlite_only("restores SQLite backup files (PostgreSQL: tests/ops/test_pg_restore.py)")
def test_a_restore_from_the_command_line_ends_the_sessions_and_screens_the_backup_brought_back(tmp_path,
                                                                                             monkeypatch):
    from anihome.accounts import screens
    from tests.support.web import csrf_token, sign_in

    monkeypatch.setenv("ANIHOME_DATA_DIR", str(tmp_path / "data"))
    app = make_app(tmp_path)
    owner = make_user(app, "owner", "owner")
    make_user(app, "masha")
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        tablet = screens.register(owner)  # a tablet the owner will have removed by the time of the restore
    phone = app.test_client()
    assert sign_in(phone, "masha").status_code == 302
    assert phone.get("/account/").status_code == 200
    backup = run_job(app, "backup").progress_text  # the backup holds masha's session
    cookies = [(c.key, c.value) for c in phone._cookies.values()]  # copied, say, from her phone
    assert phone.post("/logout", data={"csrf_token": csrf_token(phone)}).status_code == 302
    close_all(app.extensions["anihome.db"])

    assert _invoke("backup", "restore", backup, "--yes").exit_code == 0

    restored = make_app(tmp_path)
    try:
        stolen = restored.test_client()
        for key, value in cookies:
            stolen.set_cookie(key, value)
        assert stolen.get("/account/").status_code == 302  # sent to sign-in, not let in
        connection = sqlite3.connect(tmp_path / "data" / "anihome.db")
        try:
            assert connection.execute("SELECT count(*) FROM user_session").fetchone()[0] == 0
            assert connection.execute("SELECT count(*) FROM household_screen").fetchone()[0] == 0
        finally:
            connection.close()
        with restored.app_context(), restored.extensions["anihome.db"].connection_context():
            assert screens.resolve(tablet) is None
    finally:
        close_all(restored.extensions["anihome.db"])

"""Health tells the truth: a damaged database, a nearly full disk, and writes on a full disk."""
from __future__ import annotations

import pytest

import sqlite3
from pathlib import Path

import peewee

from anihome.db import close_all
from anihome.jobs.runner import run_job

from tests.conftest import make_app, make_user, sign_in, csrf_token
from tests.ops.test_backups import _corrupt_the_middle, _fill


def _disk_full_error() -> peewee.OperationalError:
    """What a write meets on a full disk: SQLITE_FULL, then peewee's failed rollback on top."""
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13
    try:
        try:
            raise peewee.OperationalError(full, *full.args)
        except peewee.OperationalError:
            raise peewee.OperationalError("cannot rollback - no transaction is active")  # noqa: B904 - as peewee does
    except peewee.OperationalError as exc:
        return exc


def test_health_is_ok_with_disk_space_when_nothing_is_wrong(client):
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok" and body["problems"] == []
    assert isinstance(body["disk_free_mb"], int) and body["disk_free_mb"] > 0


@pytest.mark.sqlite_only("damages the SQLite file (periodic quick_check)")
def test_a_damaged_database_found_by_the_periodic_check_makes_health_degraded(tmp_path):
    app = make_app(tmp_path)
    _fill(app, rows=4000)  # one more table (sessions) moved the middle off the job_run tree's path
    make_user(app, "owner", "owner")
    client = app.test_client()
    assert sign_in(client, "owner").status_code == 302
    close_all(app.extensions["anihome.db"])
    _corrupt_the_middle(Path(app.config["DATA_DIR"]) / "anihome.db")

    run = run_job(app, "integrity-check")

    assert run.status == "failed" and "quick_check" in run.error
    body = app.test_client().get("/api/v1/health").get_json()
    assert body["status"] == "degraded" and body["database"] == "damaged"
    assert [p["code"] for p in body["problems"]] == ["database_damaged"]
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert 'id="health-banner"' in page and 'data-problem="database_damaged"' in page


def test_little_free_disk_space_makes_health_degraded_with_the_reason(tmp_path):
    app = make_app(tmp_path, DISK_FREE_MIN_MB=10 ** 9)
    body = app.test_client().get("/api/v1/health").get_json()
    assert body["status"] == "degraded"
    [problem] = body["problems"]
    assert problem["code"] == "disk_low" and app.config["DATA_DIR"] in problem["message"]


def test_members_do_not_see_the_admin_banner(tmp_path):
    app = make_app(tmp_path, DISK_FREE_MIN_MB=10 ** 9)
    make_user(app, "owner", "owner")
    make_user(app, "masha", "member")
    client = app.test_client()
    sign_in(client, "masha")
    assert 'id="health-banner"' not in client.get("/").get_data(as_text=True)


def test_an_api_write_on_a_full_disk_answers_507_disk_full_not_500(app, owner, monkeypatch):
    import anihome.accounts.tokens as tokens

    def full(*args, **kwargs):
        raise _disk_full_error()

    monkeypatch.setattr(tokens, "create", full)
    client = app.test_client()
    sign_in(client, "owner")
    answer = client.post("/api/v1/tokens", json={"label": "x"}, headers={"X-CSRFToken": csrf_token(client, "/")})

    assert answer.status_code == 507
    assert answer.get_json()["error"]["code"] == "disk_full"
    assert "disk is full" in answer.get_json()["error"]["message"]


def test_a_page_write_on_a_full_disk_shows_a_clear_page_and_the_admin_banner(app, owner, monkeypatch):
    import anihome.web.account as account

    def full(*args, **kwargs):
        raise _disk_full_error()

    monkeypatch.setattr(account, "set_locale", full)
    monkeypatch.setattr("anihome.ops.health.disk_space", lambda path: None)
    client = app.test_client()
    sign_in(client, "owner")
    answer = client.post("/account/language", data={"language": "ru", "csrf_token": csrf_token(client, "/")})

    assert answer.status_code == 507
    html = answer.get_data(as_text=True)
    assert "Диск сервера заполнен" in html or "disk is full" in html
    assert 'data-problem="disk_full"' in html
    assert app.test_client().get("/api/v1/health").get_json()["problems"][0]["code"] == "disk_full"


def test_a_real_sqlite_full_error_behind_peewees_failed_rollback_is_recognised(tmp_path):
    from anihome.ops.diskspace import is_disk_full

    database = peewee.SqliteDatabase(str(tmp_path / "small.db"), pragmas={"journal_mode": "wal"})
    database.connect()
    database.execute_sql("CREATE TABLE t (x)")
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")  # the disk is 'full' at today's size
    try:
        with database.atomic("IMMEDIATE"):
            for _ in range(1000):
                database.execute_sql("INSERT INTO t VALUES (?)", ("x" * 1000,))
    except peewee.OperationalError as exc:
        error = exc
    finally:
        database.close()

    assert "cannot rollback" in str(error)  # what the household saw
    assert is_disk_full(error)

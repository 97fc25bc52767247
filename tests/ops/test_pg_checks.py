"""On PostgreSQL, doctor, start-up and the hourly integrity check look at what a copy or restore
can break: the server itself, its version, the schema, pg_trgm, id sequences, indexes, amcheck."""
from __future__ import annotations

import json
import socket

import psycopg2
import pytest
from click.testing import CliRunner

from anihome.cli import build_cli
from anihome.db import close_all
from anihome.jobs.runner import run_job
from anihome.ops.pg_checks import explain_connect_error

from tests.conftest import make_app, make_user, sign_in

postgres_only = pytest.mark.postgres_only("a PostgreSQL household (ANIHOME_TEST_DATABASE_URL)")


@pytest.fixture
def household(tmp_path, monkeypatch):
    """A PostgreSQL household with an owner and two members; the CLI pointed at it."""
    app = make_app(tmp_path)
    for name, role in (("owner", "owner"), ("masha", "member"), ("petya", "member")):
        make_user(app, name, role)
    monkeypatch.setenv("ANIHOME_DATA_DIR", app.config["DATA_DIR"])
    monkeypatch.setenv("ANIHOME_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.delenv("ANIHOME_KODIK_TOKEN", raising=False)
    yield app
    close_all(app.extensions["anihome.db"])


def _sql(app, statement: str):
    connection = psycopg2.connect(app.config["DATABASE_URL"])
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def _cli(*args):
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


def _line(output: str, check: str) -> str:
    return next(line for line in output.splitlines() if line[6:].startswith(check + " "))


def _fix(output: str, check: str) -> str:
    lines = output.splitlines()
    at = lines.index(_line(output, check))
    return lines[at + 1] if at + 1 < len(lines) and lines[at + 1].lstrip().startswith("fix:") else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@postgres_only
def test_doctor_passes_a_healthy_postgres_household_and_names_each_database_check(household):
    result = _cli("doctor")

    assert result.exit_code == 0, result.output
    for check in ("database", "pg version", "schema", "pg_trgm", "sequences", "indexes", "amcheck"):
        assert _line(result.output, check).startswith("ok"), result.output
    assert "answers" in _line(result.output, "database")
    assert "PostgreSQL 1" in _line(result.output, "pg version")
    assert "every table, column and index there" in _line(result.output, "schema")
    assert "skipped: the extension is not installed" in _line(result.output, "amcheck")


@postgres_only
def test_a_sequence_behind_its_table_fails_doctor_with_the_command_that_fixes_it(household):
    _sql(household, "SELECT setval('user_id_seq', 1)")  # as a restore without sequence values leaves it

    result = _cli("doctor")

    assert result.exit_code == 1
    line = _line(result.output, "sequences")
    assert line.startswith("FAIL") and "user_id_seq would hand out 2" in line and "is already at 3" in line
    fix = _fix(result.output, "sequences")
    assert "anihome db fix-sequences" in fix
    assert "SELECT setval('public.user_id_seq', (SELECT MAX(id) FROM public.\"user\"));" in fix

    fixed = _cli("db", "fix-sequences")

    assert fixed.exit_code == 0, fixed.output
    assert "public.user_id_seq: 2 -> 4" in fixed.output and "1 sequence(s) moved." in fixed.output
    make_user(household, "vasya")  # the next row gets a free id again
    again = _cli("doctor")
    assert again.exit_code == 0, again.output
    assert _cli("db", "fix-sequences").output.startswith("Every id sequence is ahead")


@postgres_only
def test_the_sequence_fix_in_doctors_sql_works_when_pasted_into_psql(household):
    _sql(household, "SELECT setval('user_id_seq', 1)")
    fix = _fix(_cli("doctor").output, "sequences")
    statement = fix.split("or in psql: ", 1)[1].rstrip(")")

    _sql(household, statement)

    assert _cli("doctor").exit_code == 0
    with pytest.raises(psycopg2.errors.UniqueViolation):
        _sql(household, "SELECT setval('user_id_seq', 1); INSERT INTO \"user\" (username, username_key, "
                        "password_hash, role, is_active, created_at) VALUES ('x', 'x', 'x', 'member', true, now())")


def test_an_unreachable_server_is_one_fail_line_without_the_password(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir(mode=0o700)
    monkeypatch.setenv("ANIHOME_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANIHOME_DATABASE_URL", f"postgresql://anihome:Sup3rSecret@127.0.0.1:{_free_port()}/anihome")

    result = _cli("doctor")

    assert result.exit_code == 1
    assert "Sup3rSecret" not in result.output and "Traceback" not in result.output
    line = _line(result.output, "database")
    assert line.startswith("FAIL") and "connection refused" in line and "127.0.0.1:" in line
    assert "sudo systemctl start postgresql" in _fix(result.output, "database")
    assert [row for row in result.output.splitlines() if row.startswith("FAIL")] == [line]
    assert "pg version" not in result.output and "sequences" not in result.output


def test_run_py_and_commands_stop_with_one_plain_line_when_the_server_does_not_answer(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "ANIHOME_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(root),
           "ANIHOME_SECRET_KEY": "t", "ANIHOME_DATABASE_URL": f"postgresql://anihome:Sup3rSecret@127.0.0.1:{_free_port()}/x"}
    for args, start in ((["run.py"], "AniHome cannot start: "),
                        (["-c", "from anihome.cli import main; main()", "db", "fix-sequences"], "Error: ")):
        result = subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=60)

        assert result.returncode in (1, 2) and "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip() and " INFO " not in line]
        assert lines[0].startswith(start + "cannot connect to the PostgreSQL database: no PostgreSQL server answers "
                                   "at 127.0.0.1:"), result.stderr
        assert "sudo systemctl start postgresql" in lines[0] and len(lines) <= 2
        assert "Sup3rSecret" not in result.stderr
    assert "Sup3rSecret" not in (tmp_path / "data" / "logs" / "anihome.log").read_text()


def test_a_refused_login_names_the_user_and_fix_but_never_the_password():
    url = "postgresql://anihome:p%40ss-Word@db.local:5433/anihome"
    error = psycopg2.OperationalError('connection to server at "db.local" (10.0.0.5), port 5433 failed: FATAL:  '
                                      'password authentication failed for user "anihome" (p@ss-Word)')

    problem = explain_connect_error(url, error)

    assert problem.message == "the server at db.local:5433 refused the login of user anihome (authentication failed)"
    assert "ALTER ROLE anihome PASSWORD" in problem.fix
    assert "p@ss-Word" not in problem.message + problem.fix


@postgres_only
def test_a_missing_database_and_a_missing_pg_trgm_each_fail_with_their_fix(household, monkeypatch):
    gone = household.config["DATABASE_URL"].rsplit("/", 1)[0] + "/anihome_no_such_db"
    monkeypatch.setenv("ANIHOME_DATABASE_URL", gone)
    result = _cli("doctor")
    assert result.exit_code == 1 and "has no database anihome_no_such_db" in _line(result.output, "database")
    assert "createdb --owner" in _fix(result.output, "database")

    monkeypatch.setenv("ANIHOME_DATABASE_URL", household.config["DATABASE_URL"])
    _sql(household, "DROP EXTENSION pg_trgm CASCADE")
    result = _cli("doctor")
    assert result.exit_code == 1 and _line(result.output, "pg_trgm").startswith("FAIL")
    assert "CREATE EXTENSION pg_trgm" in _fix(result.output, "pg_trgm")


@postgres_only
def test_doctor_and_start_up_refuse_a_schema_that_lacks_a_column_its_migrations_made(household):
    from anihome.serving.startup import StartupError, prepare_database

    _sql(household, 'ALTER TABLE "user" DROP COLUMN locale')

    result = _cli("doctor")

    assert result.exit_code == 1
    assert _line(result.output, "schema").startswith("FAIL") and "column user.locale" in result.output
    with pytest.raises(StartupError, match="lacks column user.locale"):
        prepare_database(household)


@postgres_only
def test_an_invalid_index_fails_doctor_with_reindex_as_the_fix(household):
    _sql(household, "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'user_username'::regclass")

    result = _cli("doctor")

    assert result.exit_code == 1 and "public.user_username" in _line(result.output, "indexes")
    assert "REINDEX INDEX public.user_username;" in _fix(result.output, "indexes")


@postgres_only
def test_the_integrity_job_on_postgres_checks_sequences_and_says_amcheck_was_skipped(household):
    run = run_job(household, "integrity-check")

    assert run.status == "succeeded", run.error
    counts = json.loads(run.counts)
    assert counts["sequences"] > 20 and counts["sequences_behind"] == 0 and counts["amcheck_indexes"] == 0
    assert "amcheck skipped: the extension is not installed" in run.progress_text


@postgres_only
def test_the_integrity_job_runs_amcheck_on_every_btree_index_when_it_is_installed(household):
    _sql(household, "CREATE EXTENSION amcheck")

    run = run_job(household, "integrity-check")

    assert run.status == "succeeded", run.error
    checked = json.loads(run.counts)["amcheck_indexes"]
    btrees = _sql(household, "SELECT COUNT(*) FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
                             "JOIN pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE c.relkind = 'i' AND am.amname = 'btree' AND n.nspname = 'public'")[0][0]
    assert checked == btrees > 50 and f"amcheck: {checked} B-tree indexes checked" in run.progress_text


@postgres_only
def test_a_sequence_behind_fails_the_integrity_job_alerts_the_owner_and_degrades_health(household):
    from anihome.models import Notification, User

    client = household.test_client()
    assert sign_in(client, "owner").status_code == 302
    _sql(household, "SELECT setval('user_id_seq', 1)")

    run = run_job(household, "integrity-check")

    assert run.status == "failed" and "user_id_seq would hand out 2" in run.error
    assert "anihome db fix-sequences" in run.error
    with household.app_context(), household.extensions["anihome.db"].connection_context():
        owner = User.get(User.username == "owner")
        [alert] = Notification.select().where(Notification.kind == "job_failed")
        assert alert.user_id == owner.id and json.loads(alert.data)["run_id"] == run.id
    body = household.test_client().get("/api/v1/health").get_json()
    assert body["status"] == "degraded" and body["database"] == "damaged"
    [problem] = body["problems"]
    assert problem["code"] == "database_damaged" and "anihome doctor" in problem["message"]
    assert "restore a backup" not in problem["message"].lower()
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert 'data-problem="database_damaged"' in page and "anihome doctor" in page

    assert _cli("db", "fix-sequences").exit_code == 0
    assert run_job(household, "integrity-check").status == "succeeded"
    assert household.test_client().get("/api/v1/health").get_json()["status"] == "ok"


@postgres_only
def test_start_up_reports_a_sequence_behind_on_health_without_refusing_to_serve(household):
    from anihome.serving.startup import prepare_database

    _sql(household, "SELECT setval('user_id_seq', 1)")

    prepare_database(household)

    body = household.test_client().get("/api/v1/health").get_json()
    assert body["status"] == "degraded" and "user_id_seq" in body["problems"][0]["message"]


@postgres_only
def test_the_integrity_job_is_scheduled_on_postgres_too(household):
    from anihome.jobs.state import registry_of

    spec = registry_of(household)["integrity-check"]
    assert spec.enabled and spec.interval_minutes == 60 and spec.alert_owner

"""`anihome job list`, `anihome job run NAME` and `anihome backup` from the command line."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from anihome.cli import build_cli


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("ANIHOME_DATA_DIR", str(folder))
    monkeypatch.setenv("ANIHOME_TIMEZONE", "Europe/Moscow")
    return folder


def _invoke(*args):
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


def test_job_list_shows_every_job_with_schedule_and_last_status(data_dir):
    assert _invoke("job", "run", "housekeeping").exit_code == 0

    result = _invoke("job", "list")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:2] == ["JOB", "SCHEDULE"] and "Europe/Moscow" in lines[0]
    backup = next(line for line in lines if line.startswith("backup"))
    assert "cron 30 3 * * *" in backup and "03:30" in backup and "never run" in backup
    housekeeping = next(line for line in lines if line.startswith("housekeeping"))
    assert housekeeping.rstrip().endswith("succeeded")


def test_job_run_reports_success_with_counts(data_dir):
    result = _invoke("job", "run", "housekeeping")

    assert result.exit_code == 0, result.output
    assert "job housekeeping succeeded" in result.output and "runs_deleted=0" in result.output


def test_job_run_exits_non_zero_with_the_error_when_the_job_fails(data_dir):
    _invoke("job", "list")  # creates and migrates the data dir
    (data_dir / "backups").write_text("a file where the folder should be")

    result = _invoke("job", "run", "backup")

    assert result.exit_code == 1
    assert "job backup failed" in result.output and "FileExistsError" in result.output


def test_job_run_of_an_unknown_job_names_the_known_ones(data_dir):
    result = _invoke("job", "run", "nope")

    assert result.exit_code == 1
    assert "no job named 'nope'" in result.output and "housekeeping" in result.output


def test_backup_command_prints_the_path_of_a_new_backup(data_dir):
    result = _invoke("backup")  # click >= 8.2 keeps stdout and stderr apart

    assert result.exit_code == 0, result.output
    assert "job backup succeeded" in result.stderr
    path = Path(result.stdout.strip())
    assert path.parent == data_dir.resolve() / "backups" and path.exists()

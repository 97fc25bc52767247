"""``anihome doctor`` says what is wrong and how to fix it; ``anihome systemd-unit`` fits the install."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from anihome.cli import build_cli
from anihome.config import load_settings
from anihome.db import close_all
from anihome.jobs.runner import run_job
from anihome.ops.doctor import _clock

from tests.conftest import make_app
from tests.ops.test_backups import _corrupt_the_middle, _fill


@pytest.fixture
def install(tmp_path, monkeypatch):
    monkeypatch.setenv("ANIHOME_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANIHOME_KODIK_TOKEN", raising=False)
    app = make_app(tmp_path)
    _fill(app, 500)
    assert run_job(app, "backup").status == "succeeded"
    close_all(app.extensions["anihome.db"])
    os.chmod(tmp_path / "data", 0o700)
    return tmp_path / "data"


def _doctor(*args):
    return CliRunner().invoke(build_cli(), ["doctor", *args], catch_exceptions=False)


def _line(output: str, check: str) -> str:
    return next(line for line in output.splitlines() if f"  {check}  " in f"{line}  ")


@pytest.mark.sqlite_only("doctor's integrity_check and file checks of the SQLite database")
def test_doctor_passes_a_healthy_install_and_names_each_check(install):
    result = _doctor("--full")

    assert result.exit_code == 0, result.output
    for check in ("data dir", "free space", "database", "backups", "clock"):
        assert _line(result.output, check).startswith("ok"), result.output
    assert "integrity_check ok" in _line(result.output, "database")
    assert _line(result.output, "kodik token").startswith("WARN")


@pytest.mark.sqlite_only("doctor's integrity_check and file checks of the SQLite database")
def test_doctor_fails_a_damaged_database_and_says_how_to_restore(install):
    _corrupt_the_middle(install / "anihome.db")

    result = _doctor()

    assert result.exit_code == 1
    assert _line(result.output, "database").startswith("FAIL")
    assert "fix: restore a backup: anihome backup list" in result.output


@pytest.mark.sqlite_only("renames SQLite backup files (.db)")
def test_doctor_warns_about_an_open_data_dir_and_old_backups(install):
    os.chmod(install, 0o755)
    for backup in (install / "backups").glob("*.db"):
        backup.rename(backup.with_name("anihome-20200101-033000-000000.db"))

    result = _doctor()

    assert result.exit_code == 0
    assert _line(result.output, "data dir").startswith("WARN") and "chmod 700" in result.output
    assert _line(result.output, "backups").startswith("WARN") and "days old" in result.output


@pytest.mark.sqlite_only("doctor's integrity_check and file checks of the SQLite database")
def test_doctor_fails_when_the_clock_is_behind_the_files(install):
    settings = load_settings()
    finding = _clock(settings, now=lambda: time.time() - 3600)
    assert finding.level == "fail" and "timedatectl set-ntp true" in finding.fix


def test_systemd_unit_runs_this_python_on_this_checkout_with_this_data_dir(install):
    result = CliRunner().invoke(build_cli(), ["systemd-unit", "--user", "anihome"], catch_exceptions=False)

    assert result.exit_code == 0
    unit = result.output
    root = Path(__file__).resolve().parents[2]
    assert f"ExecStart={sys.executable} {root / 'run.py'}" in unit
    assert f"Environment=ANIHOME_DATA_DIR={install.resolve()}" in unit
    assert f"ReadWritePaths={install.resolve()}" in unit
    assert "User=anihome" in unit and "RestartPreventExitStatus=2" in unit
    assert unit.index("[Unit]") < unit.index("[Service]") < unit.index("[Install]")
    if shutil.which("systemd-analyze"):  # Debian has it; systemd's own check of the unit file
        path = install.parent / "anihome.service"
        path.write_text(unit)
        checked = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True)
        assert checked.returncode == 0 and "anihome.service" not in checked.stderr, checked.stderr

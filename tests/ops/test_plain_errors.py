"""Start-up and command-line failures are one or two plain lines; the traceback is in the log file."""
from __future__ import annotations

import pytest

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

from anihome.db import close_all
from anihome.ops.explain import explain

from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], data_dir: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANIHOME_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), "ANIHOME_SECRET_KEY": "t"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and " INFO " not in line]


@pytest.mark.sqlite_only("truncates the SQLite file")
def test_a_truncated_database_stops_run_py_with_one_plain_line(tmp_path):
    app = make_app(tmp_path)
    close_all(app.extensions["anihome.db"])
    database = tmp_path / "data" / "anihome.db"
    data = database.read_bytes()
    database.write_bytes(data[: len(data) * 2 // 5])

    result = _run(["run.py"], tmp_path / "data")

    assert result.returncode == 2
    lines = _lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("AniHome cannot start: ") and str(database) in lines[0]
    assert "backup" in lines[0]


def test_a_data_dir_behind_a_file_is_named_in_the_message(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")

    result = _run(["run.py"], blocker / "data")

    assert result.returncode == 2
    lines = _lines(result.stderr)
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert str(blocker) in lines[0] and "ANIHOME_DATA_DIR" in lines[0]


def test_a_port_in_use_is_explained_and_the_traceback_goes_to_the_log_file(tmp_path):
    make_app(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = _run(["-c", "from anihome.cli import main; main()", "serve", "--host", "127.0.0.1",
                       "--port", str(port), "--no-scheduler"], tmp_path / "data")

    assert result.returncode == 2
    lines = _lines(result.stderr)
    assert len(lines) == 2 and "Traceback" not in result.stderr, result.stderr
    assert "already in use" in lines[0]
    log_file = tmp_path / "data" / "logs" / "anihome.log"
    assert lines[1] == f"The full error is in {log_file}."
    assert "Traceback" in log_file.read_text()


def test_a_command_on_an_empty_database_file_prints_one_plain_error(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "anihome.db").write_bytes(b"")

    result = _run(["-c", "from anihome.cli import main; main()", "job", "list"], tmp_path / "data")

    assert result.returncode == 1
    lines = _lines(result.stderr)
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("Error: ") and "empty (0 bytes)" in lines[0]


def test_sqlites_unable_to_open_becomes_a_sentence_with_the_path_and_the_fix(tmp_path):
    try:
        sqlite3.connect(tmp_path / "missing" / "anihome.db")
    except sqlite3.OperationalError as exc:
        error = exc
    message = explain(error, tmp_path / "missing")
    assert str(tmp_path / "missing" / "anihome.db") in message
    assert "not writable" in message and "ANIHOME_DATA_DIR" in message

"""Logging: a rotating file under data/logs plus stderr, secrets scrubbed, waitress noise silenced."""
from __future__ import annotations

import logging

import pytest

from anihome.serving.logging_setup import _HANDLER_MARK, configure_logging, scrub


@pytest.fixture
def logged(tmp_path):
    """configure_logging into a temp data dir; the handlers are removed afterwards."""
    root = logging.getLogger()
    level = root.level
    configure_logging(tmp_path / "data", "INFO")
    yield tmp_path / "data" / "logs" / "anihome.log"
    for handler in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def _flush():
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_the_log_file_is_created_under_data_logs(logged):
    logging.getLogger("anihome.test").info("hello status=ok")
    _flush()
    assert logged.is_file()
    assert "INFO anihome.test hello status=ok" in logged.read_text(encoding="utf-8")


def test_a_data_dir_first_made_by_logging_is_private_like_the_rest(logged):
    import stat

    assert stat.S_IMODE(logged.parent.parent.stat().st_mode) == 0o700  # the data dir
    assert stat.S_IMODE(logged.parent.stat().st_mode) == 0o700  # logs


def test_token_looking_values_never_reach_the_log(logged, capsys):
    log = logging.getLogger("anihome.test")
    log.warning("fetch url=https://kodik-api.com/list?token=abc123secret&limit=100")
    log.warning("header %s", "Authorization: Bearer ah_9f8e7d6c5b4a")
    _flush()
    text = logged.read_text(encoding="utf-8") + capsys.readouterr().err
    assert "abc123secret" not in text and "ah_9f8e7d6c5b4a" not in text
    assert "token=***" in text and "Bearer ***" in text


def test_waitress_queue_depth_warnings_are_silenced(logged):
    logging.getLogger("waitress.queue").warning("Task queue depth is 5")
    logging.getLogger("waitress").warning("something else")
    _flush()
    text = logged.read_text(encoding="utf-8")
    assert "Task queue depth" not in text and "something else" in text


def test_configuring_twice_does_not_double_the_lines(tmp_path, logged):
    configure_logging(tmp_path / "data", "INFO")
    logging.getLogger("anihome.test").info("once")
    _flush()
    assert logged.read_text(encoding="utf-8").count("once") == 1


def test_scrub_leaves_ordinary_text_alone():
    assert scrub("job=backup status=ok tokens=3") == "job=backup status=ok tokens=3"
    assert scrub("?TOKEN=xyz&page=2") == "?TOKEN=***&page=2"


def test_secrets_in_a_logged_traceback_are_scrubbed_too(logged):
    try:
        raise RuntimeError("GET https://kodik-api.com/list?token=abc123secret failed")
    except RuntimeError:
        logging.getLogger("anihome.test").exception("job=sync status=failed")
    _flush()
    text = logged.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: GET" in text
    assert "abc123secret" not in text

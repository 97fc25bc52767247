"""The job child protocol (``jobs.child_process`` / ``jobs.child_channel``) with a scripted child."""
import logging
import time

import pytest

from anihome import events
from anihome.jobs.child_process import ChildFailed, child_settings, run_child

CHILD = "tests.support.scripted_child"


def test_the_childs_result_log_lines_and_own_messages_reach_the_parent(caplog):
    caplog.set_level(logging.INFO)
    seen = []
    steps = [["log", logging.WARNING, "anihome.kodik.sync", "careful: 3 pages"],
             ["log", logging.DEBUG, "anihome.kodik.sync", "too chatty"],
             ["print", "a stray print"], ["message", {"kind": "progress", "done": 7}]]

    value = run_child(CHILD, {"steps": steps, "settings": {"LOG_LEVEL": "INFO"}}, seen.append)

    assert value == {"steps": 4}
    assert seen == [{"kind": "progress", "done": 7}]
    relogged = [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name == "anihome.kodik.sync"]
    assert relogged == [("anihome.kodik.sync", logging.WARNING, "careful: 3 pages")]
    assert "a stray print" not in caplog.text  # stray prints go to stderr, never into the message stream


def test_only_the_signals_the_caller_relays_are_sent_again_in_the_parent():
    got = []

    def receiver(sender, **kwargs):
        got.append(kwargs)

    events.catalog_changed.connect(receiver)
    events.user_changed.connect(receiver)
    try:
        run_child(CHILD, {"steps": [["signal", "catalog-changed", {"release_ids": [3, 1]}],
                                    ["signal", "user-changed", {"user_id": 9}]]},
                  relay=("catalog-changed",))
    finally:
        events.catalog_changed.disconnect(receiver)
        events.user_changed.disconnect(receiver)
    assert got == [{"release_ids": [3, 1]}]


def test_a_childs_error_is_raised_as_its_type_when_the_caller_knows_it_and_as_child_failed_otherwise():
    class Refused(RuntimeError):
        pass

    with pytest.raises(Refused, match="^token rejected$"):
        run_child(CHILD, {"steps": [["error", "Refused", "token rejected"]]}, errors={"Refused": Refused})
    with pytest.raises(ChildFailed, match="^OperationalError: database is locked$"):
        run_child(CHILD, {"steps": [["error", "OperationalError", "database is locked"]]})


def test_a_child_that_ends_without_a_result_fails_with_its_last_stderr_line():
    with pytest.raises(ChildFailed, match="^disk on fire$"):
        run_child(CHILD, {"steps": [["crash", "disk on fire"]]})
    with pytest.raises(ChildFailed, match="No module named"):
        run_child("tests.support.no_such_child", {})


def test_a_parent_that_fails_handling_a_message_stops_the_child_at_once():
    def explode(message):
        raise ValueError("cannot store progress")

    started = time.monotonic()
    with pytest.raises(ValueError, match="cannot store progress"):
        run_child(CHILD, {"steps": [["message", {"kind": "progress"}], ["sleep", 30]]}, explode)
    assert time.monotonic() - started < 10


def test_a_child_past_its_time_is_stopped_and_says_so():
    started = time.monotonic()
    with pytest.raises(ChildFailed, match="ran longer than 1 s and was stopped"):
        run_child(CHILD, {"steps": [["sleep", 30]]}, timeout=1)
    assert time.monotonic() - started < 10
    assert run_child(CHILD, {"steps": [["sleep", 0.1]]}, timeout=20) == {"steps": 1}


def test_the_child_gets_the_declared_settings_only():
    settings = {"DATA_DIR": "/srv/anihome", "KODIK_TIMEOUT": 30.0, "TESTING": True, "anything": object()}
    assert child_settings(settings) == {"DATA_DIR": "/srv/anihome", "KODIK_TIMEOUT": 30.0}

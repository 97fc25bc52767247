"""The child's side of ``child_process``: read the request, talk to the parent, die with it.

``Channel.open()`` reads the one-line JSON request from stdin, then:

* keeps the real stdout for its messages and points ``sys.stdout`` at stderr, so a stray
  ``print`` can never break a message line;
* sends every log record at or above the request's ``LOG_LEVEL`` setting to the parent
  (``{"kind": "log"}``), which logs it again through its own handlers;
* starts a watchdog thread that reads stdin to its end: the parent holds stdin open while it
  waits, so end-of-file means the parent is gone, and the child exits at once (``os._exit``:
  an open transaction is rolled back by the database, as after a crash, which every caller
  here is written to survive).

``send`` writes one message (thread-safe: the signal forwarders and the log handler may run
on helper threads); ``forward`` relays blinker signals; ``result`` / ``fail`` end the run.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import threading
from typing import Any

WATCHDOG_EXIT = 70  # the parent went away


class _ParentLog(logging.Handler):
    def __init__(self, channel: "Channel", level: int):
        super().__init__(level)
        self.channel = channel

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + logging.Formatter().formatException(record.exc_info)
            self.channel.send("log", level=record.levelno, name=record.name, message=text)
        except Exception:  # noqa: BLE001 - logging must never take the work down
            self.handleError(record)


class Channel:
    """The parent's request and the way back to it."""

    def __init__(self, request: dict, out):
        self.request = request
        self._out = out
        self._lock = threading.Lock()
        self._receivers: list = []  # blinker holds receivers weakly

    @classmethod
    def open(cls, stdin=None) -> "Channel":
        stdin = stdin or sys.stdin
        line = stdin.readline()
        request = json.loads(line) if line.strip() else {}
        out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
        sys.stdout = sys.stderr
        channel = cls(request, out)
        level = logging.getLevelName(str((request.get("settings") or {}).get("LOG_LEVEL") or "INFO"))
        root = logging.getLogger()
        root.setLevel(level if isinstance(level, int) else logging.INFO)
        root.addHandler(_ParentLog(channel, root.level))
        threading.Thread(target=_exit_with_parent, args=(stdin,), name="anihome-child-watchdog",
                         daemon=True).start()
        return channel

    def send(self, kind: str, **fields: Any) -> None:
        line = json.dumps({"kind": kind, **fields}, ensure_ascii=False, default=str)
        with self._lock:
            self._out.write(line + "\n")
            self._out.flush()

    def forward(self, *signals) -> None:
        """Send each of these blinker signals to the parent (by name, with its kwargs)."""
        for signal in signals:
            def receiver(sender, _name=signal.name, **kwargs) -> None:
                self.send("signal", name=_name, kwargs=kwargs)

            self._receivers.append(receiver)
            signal.connect(receiver)

    def result(self, value: Any) -> None:
        self.send("result", value=value)

    def fail(self, exc: BaseException) -> None:
        self.send("error", type=type(exc).__name__, message=str(exc))


def _exit_with_parent(stdin) -> None:
    try:
        while stdin.read(65536):
            pass
    except (OSError, ValueError):
        pass
    os._exit(WATCHDOG_EXIT)

"""Run a job's work in a child process and relay what it says: the parent's side.

Long work that touches much of the catalog (a Kodik sync) leaves a serving process bigger
than it found it even after ``ops.memory.release``: CPython keeps a 1 MB small-object arena
as long as one object in it survives, and a few always do (pooled connection statements,
module caches). A child process gives all of it back when it exits.

``run_child`` spawns ``python -m <module>`` (no fork: the parent holds SQLite connections
and threads), writes one JSON request line to its stdin and keeps stdin open: the child
(``child_channel``) exits at once when it reads end-of-file, so a parent that dies takes its
child with it, as the work in a thread did. The request carries the parent's settings
(never the environment or argv, where other accounts could read a token). The child writes
one JSON message per line on stdout:

* ``{"kind": "log", "level", "name", "message"}``: re-logged here, so the child's lines go
  through this process's handlers (the log file, secret scrubbing) under their own names;
* ``{"kind": "signal", "name", "kwargs"}``: a blinker signal sent again here when ``name`` is
  one the caller relays (the parent's caches listen to ``catalog_changed``);
* ``{"kind": "result", "value"}`` then exit 0, or ``{"kind": "error", "type", "message"}``
  then exit 1;
* anything else goes to the caller's ``on_message``.

stderr is kept for its last lines: a child that dies before it can say why (an import error,
killed by the kernel) fails with its last stderr line or its exit status.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from collections import deque
from typing import Any, Callable, Iterable, Mapping, Sequence

from .. import events

log = logging.getLogger(__name__)

STDERR_LINES_KEPT = 20


class ChildFailed(RuntimeError):
    """The child process failed; the message is its own error, or its last stderr line."""


def child_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The declared settings of ``settings`` as JSON-ready values (the child re-reads them as
    overrides, so it sees exactly what the parent uses, whatever their source)."""
    from ..config import SETTINGS_BY_NAME

    return {name: settings[name] for name in SETTINGS_BY_NAME if name in settings}


def _drain(stream, kept: deque) -> None:
    for line in stream:
        if line.strip():
            kept.append(line.rstrip())


def _relog(message: Mapping[str, Any]) -> None:
    level = message.get("level")
    logging.getLogger(str(message.get("name") or "anihome.child")).log(
        level if isinstance(level, int) else logging.INFO, "%s", message.get("message", ""))


def _relay(message: Mapping[str, Any], relayed: set[str]) -> None:
    name = message.get("name")
    if name not in relayed:
        log.warning("child sent signal=%s which is not relayed", name)
        return
    events.signals.signal(name).send(None, **dict(message.get("kwargs") or {}))


def run_child(module: str, request: Mapping[str, Any], on_message: Callable[[dict], None] | None = None,
              relay: Iterable[str] = (), errors: Mapping[str, type[Exception]] | None = None,
              args: Sequence[str] = (), env: Mapping[str, str] | None = None, timeout: float | None = None) -> Any:
    """Run ``python -m module *args`` with ``request``; return its result's value.

    ``relay``: names of the signals the child's ``signal`` messages may send here.
    ``errors``: exception types by name; a child error of such a type is raised as it (other
    errors raise ``ChildFailed`` with the type in the text, as a failed job shows errors).
    ``env``: the child's environment (default: this process's). ``timeout``: seconds after
    which the child is killed and ``ChildFailed`` raised. Any exception raised while handling
    a message stops the child first.
    """
    relayed, errors = set(relay), dict(errors or {})
    process = subprocess.Popen([sys.executable, "-m", module, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
                               close_fds=True, env=None if env is None else dict(env))
    stderr_tail: deque = deque(maxlen=STDERR_LINES_KEPT)
    drainer = threading.Thread(target=_drain, args=(process.stderr, stderr_tail), name=f"{module}-stderr",
                               daemon=True)
    drainer.start()
    timed_out = threading.Event()

    def stop_overdue() -> None:
        timed_out.set()
        process.kill()

    timer = threading.Timer(timeout, stop_overdue) if timeout else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    result: dict | None = None
    error: dict | None = None
    try:
        try:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
        except BrokenPipeError:
            pass  # the child died at start: its stderr says why, below
        for line in process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                message = {"kind": "log", "level": logging.INFO, "message": line.rstrip()}
            if not isinstance(message, dict):
                continue
            kind = message.get("kind")
            if kind == "log":
                _relog(message)
            elif kind == "signal":
                _relay(message, relayed)
            elif kind == "result":
                result = message
            elif kind == "error":
                error = message
            elif on_message is not None:
                on_message(message)
        returncode = process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        if timer is not None:
            timer.cancel()
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        drainer.join(timeout=5)
    if timed_out.is_set() and result is None and error is None:
        raise ChildFailed(f"the {module} process ran longer than {timeout:g} s and was stopped")
    if error is not None:
        kind, text = str(error.get("type") or "Error"), str(error.get("message") or "")
        raise errors[kind](text) if kind in errors else ChildFailed(f"{kind}: {text}")
    if result is None or returncode != 0:
        raise ChildFailed(stderr_tail[-1] if stderr_tail else f"the {module} process exited with {returncode}")
    return result.get("value")

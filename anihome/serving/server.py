"""The serving process: build the app, log, migrate, schedule, serve. Used by run.py and the CLI."""
from __future__ import annotations

import logging
import signal
import sys

log = logging.getLogger(__name__)


def run_server(host: str | None = None, port: int | None = None, scheduler: bool = True) -> int:
    """Start AniHome; a failure prints one or two plain lines (the traceback goes to the log file)."""
    from .lean_imports import hide_unused_modules

    hide_unused_modules()  # first, before anything imports Peewee or requests
    from .. import create_app
    from ..config import load_settings
    from ..ops.explain import plain_lines
    from ..ops.memory import tune_malloc
    from ..ops.restore import hold_server_lock
    from .startup import prepare_database, serve

    data_dir = None
    try:
        settings = load_settings()
        data_dir = settings["DATA_DIR"]
        _start_logging(data_dir, settings["LOG_LEVEL"])
        tune_malloc(settings)  # before any thread allocates (the scheduler's, waitress's)
        app = create_app()
        hold_server_lock(app)  # one server per data dir; `backup restore` waits for it to stop
        prepare_database(app)
    except Exception as exc:  # every start-up failure becomes a plain message
        print(plain_lines(exc, data_dir), file=sys.stderr)
        raise SystemExit(2) from None
    # SIGTERM (systemd stop, docker stop) ends the process like Ctrl+C: the scheduler shuts down.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        serve(app, host=host, port=port, scheduler=scheduler)
    except OSError as exc:
        print(plain_lines(exc, data_dir, "AniHome cannot serve"), file=sys.stderr)
        raise SystemExit(2) from None
    return 0


def _start_logging(data_dir: str, level: str) -> None:
    """Log to stderr and the data dir's log file; stderr alone when the file cannot be made."""
    from .logging_setup import configure_logging

    try:
        configure_logging(data_dir, level)
    except OSError:
        configure_logging(data_dir, level, to_file=False)

"""The serving process: build the app, log, migrate, schedule, serve. Used by run.py and the CLI."""
from __future__ import annotations

import logging
import signal
import sys

from ..config import ConfigError

log = logging.getLogger(__name__)


def run_server(host: str | None = None, port: int | None = None, scheduler: bool = True) -> int:
    from .. import create_app
    from .logging_setup import configure_logging
    from .startup import StartupError, prepare_database, serve

    try:
        app = create_app()
        configure_logging(app.config["DATA_DIR"], app.config["LOG_LEVEL"])
        prepare_database(app)
    except (ConfigError, StartupError) as exc:
        print(f"AniHome cannot start: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    # SIGTERM (systemd stop, docker stop) ends the process like Ctrl+C: the scheduler shuts down.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    serve(app, host=host, port=port, scheduler=scheduler)
    return 0

"""Logging to stderr and a rotating file in the data dir, with secrets scrubbed from lines."""
from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
_HANDLER_MARK = "_anihome_handler"

# token=..., Bearer ..., Kodik's token query parameter and Telegram bot tokens in URL paths
# (/bot123:ABC.../sendMessage, as urllib3 logs them) never reach a log line.
_SECRET_PATTERNS = (
    re.compile(r"(?i)(token=)[^&\s\"']+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(/bot)\d+:[A-Za-z0-9_-]+"),
)


def scrub(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1***", text)
    return text


class ScrubFilter(logging.Filter):
    """Replace secret-looking values in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class ScrubFormatter(logging.Formatter):
    """Scrub the whole formatted line, so a traceback's exception text is cleaned too."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class _QuietWaitress(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "Task queue depth" not in record.getMessage()


def configure_logging(data_dir: str | Path, level: str = "INFO", to_file: bool = True) -> None:
    """Install AniHome's handlers on the root logger once (idempotent)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if to_file:
        from ..security.file_modes import private_dir

        private_dir(data_dir)  # the first thing a new install makes: 0700, like the rest
        log_dir = private_dir(Path(data_dir) / "logs")
        handlers.append(logging.handlers.RotatingFileHandler(
            log_dir / "anihome.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"))
    for handler in handlers:
        setattr(handler, _HANDLER_MARK, True)
        handler.setFormatter(ScrubFormatter(_FORMAT))
        handler.addFilter(ScrubFilter())
        root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("waitress.queue").addFilter(_QuietWaitress())
    logging.getLogger("waitress").addFilter(_QuietWaitress())
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # peewee logs every query with its parameters at DEBUG: stored secrets (channel tokens, the
    # Kodik token, SMTP password) would reach the log even when every message is scrubbed.
    logging.getLogger("peewee").setLevel(max(logging.INFO, root.level))

"""The one-time setup code: whoever creates the owner must have seen the server's console.

Until an owner exists, the first-run page asks for a code that only the server shows: it is
written to ``<data dir>/setup_code`` (mode 0600), printed to the log when the server starts
and by ``anihome setup-code``, and deleted once the owner is created. Someone who merely
reaches the port (another device on the network, a web page through the member's browser)
cannot claim the household.
"""
from __future__ import annotations

import hmac
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "setup_code"
# No 0/O, 1/I/L: easy to read off a console and type. 8 characters: ~40 bits, and wrong
# guesses are slowed by the sign-in throttle.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def _path(data_dir: str | Path) -> Path:
    return Path(data_dir) / FILE_NAME


def normalize(code: str | None) -> str:
    """The code as compared: upper case letters and digits only (no spaces, dashes, newlines)."""
    return "".join(ch for ch in (code or "").upper() if ch.isascii() and ch.isalnum())[:40]


def formatted(code: str) -> str:
    """``ABCD-EFGH``: how the code is shown."""
    return f"{code[:4]}-{code[4:]}"


def read(data_dir: str | Path) -> str | None:
    """The current code, or None when there is none."""
    try:
        code = normalize(_path(data_dir).read_text(encoding="ascii"))
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return code or None


def ensure(data_dir: str | Path) -> tuple[str, bool]:
    """The current code, made (mode 0600) when there is none; and whether it was just made."""
    code = read(data_dir)
    if code:
        return code, False
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    path = _path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(formatted(code) + "\n")
    os.chmod(path, 0o600)
    return code, True


def matches(data_dir: str | Path, typed: str | None) -> bool:
    """True when ``typed`` is the current code (compared in constant time)."""
    code = read(data_dir)
    return bool(code) and hmac.compare_digest(normalize(typed).encode(), code.encode())


def discard(data_dir: str | Path) -> None:
    """Forget the code (the owner exists)."""
    try:
        _path(data_dir).unlink()
    except FileNotFoundError:
        pass


def announce(data_dir: str | Path, url: str) -> str:
    """Make sure a code exists and log how to finish setup; returns the code."""
    code, _ = ensure(data_dir)
    log.warning("first run: no owner yet. Open %s and enter the setup code %s "
                "(also shown by `anihome setup-code`)", url, formatted(code))
    return code

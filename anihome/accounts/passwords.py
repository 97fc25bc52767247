"""Password rules and hashing: werkzeug's scrypt, one rule set for the UI, the CLI and setup."""
from __future__ import annotations

from functools import lru_cache

from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import AppError

MIN_LENGTH = 8
# scrypt cost grows with the input; a cap keeps a huge "password" from being a cheap DoS.
MAX_LENGTH = 256


def check_password_rules(password: str, username: str | None = None, field: str = "password") -> None:
    """Raise ``AppError`` naming ``field`` when ``password`` is too weak to accept."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise AppError("Passwords need at least 8 characters.", field)
    if len(password) > MAX_LENGTH:
        raise AppError("Passwords can have at most 256 characters.", field)
    if not password.strip():
        raise AppError("A password cannot be only spaces.", field)
    if username and password.strip().lower() == username.strip().lower():
        raise AppError("The password cannot be the same as the username.", field)


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password`` (werkzeug format, parameters included)."""
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown account still costs one scrypt run."""
    if not password_hash:
        check_password_hash(_dummy_hash(), password or "")
        return False
    if not isinstance(password, str) or len(password) > MAX_LENGTH:
        return False
    return check_password_hash(password_hash, password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Hashing a fixed string once per process makes "no such user" as slow as a wrong password.
    return generate_password_hash("anihome-no-such-user", method="scrypt")

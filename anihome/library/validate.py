"""Reading whole numbers from members' input (forms, JSON, query strings) for the library
services: bools and fractions are refused, and every error names its field."""
from __future__ import annotations

from ..errors import AppError

MAX_ID = 2 ** 63 - 1
MAX_COUNT = 100_000


def whole(value, field: str, low: int = 0, high: int = MAX_COUNT) -> int:
    """``value`` as an int within [low, high], else AppError naming ``field``."""
    if isinstance(value, bool) or value is None:
        raise AppError(f"{field} must be a whole number.", field)
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise AppError(f"{field} must be a whole number.", field) from None
    if isinstance(value, float) and value != number:
        raise AppError(f"{field} must be a whole number.", field)
    if not low <= number <= high:
        raise AppError(f"{field} must be between {low} and {high}.", field)
    return number


def row_id(value, field: str) -> int:
    """A database id (1 and up)."""
    return whole(value, field, 1, MAX_ID)

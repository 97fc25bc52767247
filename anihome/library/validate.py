"""Reading whole numbers from members' input (forms, JSON, query strings) for the library
services: bools and fractions are refused, and every error names its field."""
from __future__ import annotations

from .. import integers

MAX_ID = 2 ** 63 - 1
MAX_COUNT = 100_000


def whole(value, field: str, low: int = 0, high: int = MAX_COUNT) -> int:
    """``value`` as an int within [low, high] (``anihome.integers.whole`` with the library's
    default bounds for counts), else AppError naming ``field``."""
    return integers.whole(value, field, low, high)


def row_id(value, field: str) -> int:
    """A database id (1 and up)."""
    return whole(value, field, 1, MAX_ID)

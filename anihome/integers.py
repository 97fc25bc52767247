"""Whole numbers from members' input (forms, query strings, JSON bodies): one parser for the
web views, the API, the library services and the catalog.

Booleans and floats (even 2.0) are refused, a number must fit SQLite's 64-bit integers, and every
problem is an ``AppError`` naming the field ("page must be a whole number.", "score must be
between 1 and 10."), which the views and the API answer with a 400 instead of a 500.
"""
from __future__ import annotations

from typing import Any

from .errors import AppError

INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1


def whole(value: Any, field: str, low: int | None = None, high: int | None = None) -> int:
    """``value`` (an int, or text of one) within [low, high]; else ``AppError`` on ``field``."""
    if isinstance(value, (bool, float)) or value is None:  # JSON true or 2.0 is not a count
        raise AppError(f"{field} must be a whole number.", field)
    if isinstance(value, str):
        value = value.strip()
        if len(value) > 40:  # int() of a huge string is slow, and no such number fits
            raise AppError(f"{field} is out of range.", field)
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise AppError(f"{field} must be a whole number.", field) from None
    if not INT64_MIN <= number <= INT64_MAX:  # the database cannot even compare such a number
        raise AppError(f"{field} is out of range.", field)
    too_low = low is not None and number < low
    too_high = high is not None and number > high
    if too_low or too_high:
        if low is not None and high is not None:
            raise AppError(f"{field} must be between {low} and {high}.", field)
        if too_low:
            raise AppError(f"{field} must be at least {low}.", field)
        raise AppError(f"{field} must be at most {high}.", field)
    return number


def optional(value: Any, field: str, low: int | None = None, high: int | None = None,
             default: int | None = None) -> int | None:
    """Like ``whole``, but a missing or blank value gives ``default``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return whole(value, field, low, high)

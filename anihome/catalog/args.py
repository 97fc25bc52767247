"""Reading values from a query-string mapping: one value, many, whole numbers, numbers, choices.

The mapping only needs ``getlist`` (a werkzeug MultiDict) or is a plain dict. A value may be
repeated or comma-separated. Bad values raise ``AppError`` naming the parameter.
"""
from __future__ import annotations

from typing import Callable

from .. import integers
from ..errors import AppError


def all_values(args, name: str) -> list[str]:
    if hasattr(args, "getlist"):
        raw = args.getlist(name)
    else:
        value = args.get(name)
        raw = [] if value is None else (list(value) if isinstance(value, (list, tuple)) else [value])
    out = []
    for item in raw:
        for part in str(item).split(","):
            part = part.strip()
            if part:
                out.append(part)
    return out


def one(args, name: str) -> str | None:
    values = all_values(args, name)
    if len(values) > 1:
        raise AppError(f"{name} takes one value.", field=name)
    return values[0] if values else None


def parse_int(args, name: str, lo: int, hi: int, default: int | None = None) -> int | None:
    """One whole number within [lo, hi] (see ``anihome.integers``), or ``default`` when absent."""
    return integers.optional(one(args, name), name, lo, hi, default)


def parse_float(args, name: str, lo: float, hi: float) -> float | None:
    raw = one(args, name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise AppError(f"{name} must be a number.", field=name) from None
    if not lo <= value <= hi:
        raise AppError(f"{name} must be between {lo:g} and {hi:g}.", field=name)
    return value


def choices(allowed: tuple[str, ...]) -> Callable:
    def parse(args, name):
        values = all_values(args, name)
        for value in values:
            if value not in allowed:
                raise AppError(f"{name} must be one of: {', '.join(allowed)}.", field=name)
        return sorted(set(values)) or None
    return parse


def slugs(args, name):
    values = all_values(args, name)
    for value in values:
        if len(value) > 120:
            raise AppError(f"{name} is too long.", field=name)
    return sorted(set(values)) or None


MAX_ID = 999_999_999  # nine digits: Kodik's team ids are far below


def ids(args, name):
    out = set()
    for value in all_values(args, name):
        if not value.isdigit() or len(value) > 9:
            raise AppError(f"{name} must be a list of ids.", field=name)
        out.add(int(value))
    return sorted(out) or None


def one_choice(allowed: tuple[str, ...]) -> Callable:
    def parse(args, name):
        value = one(args, name)
        if value is not None and value not in allowed:
            raise AppError(f"{name} must be one of: {', '.join(allowed)}.", field=name)
        return value
    return parse

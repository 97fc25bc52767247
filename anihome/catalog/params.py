"""Reading catalog query parameters (browse filters, sorts, pages) from a query-string mapping.

One parser serves the HTML pages and the API, so both accept the same shareable URLs.
Bad values raise ``AppError`` naming the parameter; unknown parameters are ignored.
The mapping only needs ``getlist`` (a werkzeug MultiDict) or is a plain dict.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlencode

from ..errors import AppError
from ..models.catalog import KINDS, STATUSES

BROWSE_KINDS = ("tv", "movie", "ova", "ona", "special")
TRANSLATION_TYPES = ("voice", "subtitles")
SORT_NAMES = ("updated", "rating", "year", "title", "popularity", "added")
DEFAULT_PER_PAGE = 24
MAX_PER_PAGE = 100
MAX_PAGE = 5000


def _values(args, name: str) -> list[str]:
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


def _one(args, name: str) -> str | None:
    values = _values(args, name)
    if len(values) > 1:
        raise AppError(f"{name} takes one value.", field=name)
    return values[0] if values else None


def parse_int(args, name: str, lo: int, hi: int, default: int | None = None) -> int | None:
    raw = _one(args, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise AppError(f"{name} must be a whole number.", field=name) from None
    if not lo <= value <= hi:
        raise AppError(f"{name} must be between {lo} and {hi}.", field=name)
    return value


def _float(args, name: str, lo: float, hi: float) -> float | None:
    raw = _one(args, name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise AppError(f"{name} must be a number.", field=name) from None
    if not lo <= value <= hi:
        raise AppError(f"{name} must be between {lo:g} and {hi:g}.", field=name)
    return value


def _choices(allowed: tuple[str, ...]) -> Callable:
    def parse(args, name):
        values = _values(args, name)
        for value in values:
            if value not in allowed:
                raise AppError(f"{name} must be one of: {', '.join(allowed)}.", field=name)
        return sorted(set(values)) or None
    return parse


def _slugs(args, name):
    values = _values(args, name)
    for value in values:
        if len(value) > 120:
            raise AppError(f"{name} is too long.", field=name)
    return sorted(set(values)) or None


def _ints(args, name):
    out = set()
    for value in _values(args, name):
        if not value.isdigit() or len(value) > 9:
            raise AppError(f"{name} must be a list of ids.", field=name)
        out.add(int(value))
    return sorted(out) or None


def _one_choice(allowed: tuple[str, ...]) -> Callable:
    def parse(args, name):
        value = _one(args, name)
        if value is not None and value not in allowed:
            raise AppError(f"{name} must be one of: {', '.join(allowed)}.", field=name)
        return value
    return parse


#: Every browse filter: name -> parser. ``queries.FILTERS`` holds how each one narrows a query.
FILTER_PARSERS: dict[str, Callable[[Any, str], Any]] = {
    "genre": _slugs,
    "studio": _slugs,
    "kind": _choices(KINDS),
    "status": _choices(STATUSES),
    "team": _ints,
    "translation_type": _one_choice(TRANSLATION_TYPES),
    "year_from": lambda args, name: parse_int(args, name, 1900, 2100),
    "year_to": lambda args, name: parse_int(args, name, 1900, 2100),
    "min_rating": lambda args, name: _float(args, name, 0, 10),
}


@dataclass(frozen=True)
class BrowseParams:
    """Cleaned browse parameters: filters (only the ones given), sort, page, per_page."""
    filters: tuple[tuple[str, Any], ...]
    sort: str
    page: int
    per_page: int

    @property
    def filter_dict(self) -> dict[str, Any]:
        return dict(self.filters)

    def key(self) -> str:
        """A canonical string for cache keys: equal parameters give equal keys."""
        return self.query_string(page=self.page, per_page=self.per_page)

    def query_string(self, **changes) -> str:
        """The shareable query string, with ``changes`` applied (None drops a parameter)."""
        pairs: dict[str, Any] = {name: value for name, value in self.filters}
        pairs["sort"] = self.sort if self.sort != SORT_NAMES[0] else None
        pairs["page"] = self.page if self.page != 1 else None
        pairs["per_page"] = self.per_page if self.per_page != DEFAULT_PER_PAGE else None
        pairs.update(changes)
        items = []
        for name, value in pairs.items():
            if value is None or value == [] or (name == "page" and value == 1) or \
                    (name == "per_page" and value == DEFAULT_PER_PAGE):
                continue
            for item in (value if isinstance(value, (list, tuple)) else [value]):
                items.append((name, f"{item:g}" if isinstance(item, float) else str(item)))
        return urlencode(items)


def parse_browse(args) -> BrowseParams:
    """Clean browse parameters from a query-string mapping; raise AppError naming a bad one."""
    filters = []
    for name, parse in FILTER_PARSERS.items():
        value = parse(args, name)
        if value is not None:
            filters.append((name, value))
    found = dict(filters)
    if found.get("year_from") and found.get("year_to") and found["year_from"] > found["year_to"]:
        raise AppError("year_from must not be after year_to.", field="year_from")
    sort = _one_choice(SORT_NAMES)(args, "sort") or SORT_NAMES[0]
    page = parse_int(args, "page", 1, MAX_PAGE, 1)
    per_page = parse_int(args, "per_page", 1, MAX_PER_PAGE, DEFAULT_PER_PAGE)
    return BrowseParams(tuple(filters), sort, page, per_page)

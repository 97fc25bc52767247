"""Reading catalog query parameters (browse filters, sorts, pages) from a query-string mapping.

One parser serves the HTML pages and the API, so both accept the same shareable URLs.
Bad values raise ``AppError`` naming the parameter; unknown parameters are ignored. The
filters themselves are declared in ``filters.FILTERS``; single values are read by ``args``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ..errors import AppError
from ..paging import MAX_PAGE, MAX_PER_PAGE, parse_page
from .args import one_choice
from .filters import FILTERS, SORT_NAMES

DEFAULT_PER_PAGE = 24
__all__ = ["DEFAULT_PER_PAGE", "MAX_PAGE", "MAX_PER_PAGE", "BrowseParams", "parse_browse"]


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

    def active_filters(self) -> list[tuple[str, Any, str]]:
        """(name, value, query string without that value) per active filter value, for chips."""
        chips = []
        for name, value in self.filters:
            values = list(value) if isinstance(value, (list, tuple)) else [value]
            for item in values:
                rest = [other for other in values if other != item] or None
                chips.append((name, item, self.query_string(page=None, **{name: rest})))
        return chips

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
    for name, declared in FILTERS.items():
        value = declared.parse(args, name)
        if value is not None:
            filters.append((name, value))
    found = dict(filters)
    if found.get("year_from") and found.get("year_to") and found["year_from"] > found["year_to"]:
        raise AppError("year_from must not be after year_to.", field="year_from")
    sort = one_choice(SORT_NAMES)(args, "sort") or SORT_NAMES[0]
    page, per_page = parse_page(args, DEFAULT_PER_PAGE)
    return BrowseParams(tuple(filters), sort, page, per_page)

"""The one page-bounds rule of every paginated list: the API's lists and the browse page.

``page`` is 1..MAX_PAGE (default 1), ``per_page`` is 1..MAX_PER_PAGE (default: the list's
own, 20 for most API lists, 24 for releases). Either out of range, not a whole number or
given twice is a 400 naming the parameter. A page past the last one (but within MAX_PAGE)
is not an error: it is empty, with the real ``total`` and ``pages``. MAX_PAGE bounds the
OFFSET a query may be asked to skip (5,000 pages of 100 = 500,000 rows).
Flask-free: ``args`` is any mapping (a werkzeug MultiDict or a dict).
"""
from __future__ import annotations

from typing import Any, Mapping

from . import integers
from .errors import AppError

MAX_PAGE = 5000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


def _one(args: Mapping[str, Any], name: str) -> Any:
    values = args.getlist(name) if hasattr(args, "getlist") else [args.get(name)]
    if len(values) > 1:
        raise AppError(f"{name} takes one value.", field=name)
    return values[0] if values else None


def parse_page(args: Mapping[str, Any], default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """(page, per_page) from query arguments, by the rule above."""
    page = integers.optional(_one(args, "page"), "page", 1, MAX_PAGE, default=1)
    per_page = integers.optional(_one(args, "per_page"), "per_page", 1, MAX_PER_PAGE, default=default_per_page)
    return page, per_page


def pages(total: int, per_page: int) -> int:
    """How many pages ``total`` items make (0 when there are none)."""
    return -(-total // per_page) if total > 0 else 0

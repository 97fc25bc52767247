"""The API's one pagination shape.

Query: ``page`` (1..5000, default 1) and ``per_page`` (1..100, default 20): the bounds
are ``anihome.paging``'s, the one rule every paginated list follows (the browse page and
/releases too). Answer: ``{"items": [...], "page", "per_page", "total", "pages"}``. A page
past the end is empty, not an error. Use ``paginate_request(query, serialize)`` in a view,
or ``parse_pagination`` + ``paginate`` / ``page_body`` when the items are not a Peewee query.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from ..paging import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, pages, parse_page
from .spec import query as query_param

__all__ = ["DEFAULT_PER_PAGE", "MAX_PAGE", "MAX_PER_PAGE", "page_body", "paginate", "paginate_list",
           "paginate_request", "pagination_params", "parse_pagination"]


def parse_pagination(args: Mapping[str, Any], default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """(page, per_page) from query arguments; AppError 400 naming the field when invalid."""
    return parse_page(args, default_per_page)


def page_body(items: Iterable[Any], total: int, page: int, per_page: int) -> dict:
    """The pagination shape around already-serialized ``items``."""
    return {"items": list(items), "page": page, "per_page": per_page, "total": total,
            "pages": pages(total, per_page)}


def paginate(query, page: int, per_page: int, serialize: Callable[[Any], Any]) -> dict:
    """One page of a Peewee ``query`` (ordered by the caller), each row through ``serialize``."""
    total = query.count()
    rows = query.paginate(page, per_page) if total > (page - 1) * per_page else []
    return page_body((serialize(row) for row in rows), total, page, per_page)


def paginate_list(items: list, page: int, per_page: int, serialize: Callable[[Any], Any] = lambda x: x) -> dict:
    """One page of an in-memory list."""
    start = (page - 1) * per_page
    return page_body((serialize(item) for item in items[start:start + per_page]), len(items), page, per_page)


def paginate_request(query, serialize: Callable[[Any], Any], default_per_page: int = DEFAULT_PER_PAGE) -> dict:
    """``paginate`` with page and per_page read from the current request's query string."""
    from flask import request

    page, per_page = parse_pagination(request.args, default_per_page)
    return paginate(query, page, per_page, serialize)


def pagination_params(default_per_page: int = DEFAULT_PER_PAGE) -> list[dict]:
    """The OpenAPI parameters ``page`` and ``per_page``, for a route's ``params=``."""
    return [
        query_param("page", "integer", f"Page number, 1..{MAX_PAGE}; a page past the last one is empty "
                    "(with the real total and pages).", minimum=1, maximum=MAX_PAGE, default=1),
        query_param("per_page", "integer", f"Items per page (1..{MAX_PER_PAGE}).", minimum=1,
                    maximum=MAX_PER_PAGE, default=default_per_page),
    ]

"""The catalog's read-mostly answers through the app cache, tagged "catalog".

Keys hold the age cap (not the member), so members with the same cap share entries. The
cache drops every "catalog" entry when ``events.catalog_changed`` fires (after a sync), so
no page is stale after the data under it changed. Values are plain dicts and lists.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from . import calendar, facet_counts as live, home, queries, releases, search
from .params import BrowseParams

TAG = ("catalog",)
SEARCH_TTL = 120  # seconds: distinct queries are many, each is asked for a short while


def _get(cache, key: str, compute: Callable[[], Any], ttl: float | None = None) -> Any:
    return cache.get_or_set(f"catalog:{key}", compute, ttl=ttl, tags=TAG)


def browse(cache, params: BrowseParams, cap: int | None) -> dict:
    """A browse page; the match count is cached per filter set, shared by every sort and page."""
    filters = params.query_string(sort=None, page=None, per_page=None)
    total = _get(cache, f"count:{cap}:{filters}", lambda: queries.count(params, cap))
    return _get(cache, f"browse:{cap}:{params.sort}:{params.key()}",
                lambda: queries.browse(params, cap, total))


def facets(cache, cap: int | None) -> dict:
    """The filter form's choices with counts of what ``cap`` allows."""
    return _get(cache, f"facets:{cap}", lambda: queries.facets(cap))


def facet_counts(cache, params: BrowseParams, cap: int | None) -> dict:
    """Live counts per kind, status and genre for this filter set (``catalog.facet_counts``)."""
    filters = params.query_string(sort=None, page=None, per_page=None)
    return _get(cache, f"facet-counts:{cap}:{filters}", lambda: live.facet_counts(params, cap))


def release_page(cache, release_id: int, cap: int | None, translation_id: int | None) -> dict:
    return _get(cache, f"release:{release_id}:{translation_id}:{cap}",
                lambda: releases.release_page(release_id, cap, translation_id))


def home_rows(cache, cap: int | None) -> list[dict]:
    return _get(cache, f"home:{cap}", lambda: home.home_rows(cap))


def search_page(cache, q: str | None, cap: int | None, page: int, per_page: int) -> dict:
    key = search.clean_query(q)
    return _get(cache, f"search:{cap}:{page}:{per_page}:{key}",
                lambda: search.search(q, cap, page, per_page), ttl=SEARCH_TTL)


def autocomplete(cache, q: str | None, cap: int | None) -> list[dict]:
    key = search.clean_query(q)
    return _get(cache, f"autocomplete:{cap}:{key}", lambda: search.autocomplete(q, cap), ttl=SEARCH_TTL)


def calendar_days(cache, cap: int | None, now_utc: datetime, tz_name: str) -> dict:
    hour = now_utc.strftime("%Y%m%d%H")
    return _get(cache, f"calendar:{cap}:{tz_name}:{hour}",
                lambda: calendar.calendar_days(cap, now_utc, tz_name), ttl=600)


def upcoming(cache, cap: int | None, now_utc: datetime, tz_name: str) -> list[dict]:
    hour = now_utc.strftime("%Y%m%d%H")
    return _get(cache, f"upcoming:{cap}:{tz_name}:{hour}",
                lambda: calendar.upcoming(cap, now_utc, tz_name), ttl=600)

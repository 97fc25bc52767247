"""The per-member age cap, applied in one place to every Release query.

A member with an ``age_cap`` never sees a release whose ``age_limit`` is above the cap,
nor one whose age rating is unknown (``age_limit IS NULL``). Members without a cap see
everything. Views pass ``cap_of(user)`` to the services, so cache keys can hold the cap
(members with the same cap share cached pages) instead of a user id.
"""
from __future__ import annotations

from ..models import Release


def cap_of(user) -> int | None:
    """The age cap of ``user`` (None: no cap, also for anonymous callers of public routes)."""
    return getattr(user, "age_cap", None) if user is not None else None


def apply_age_cap(query, cap: int | None, model=Release, column=None):
    """``query`` restricted to releases allowed under ``cap`` (unchanged when cap is None).

    ``column`` replaces ``model.age_limit`` (e.g. an expression that keeps an index out)."""
    if cap is None:
        return query
    column = model.age_limit if column is None else column
    return query.where(column.is_null(False) & (column <= cap))


def allowed(release, cap: int | None) -> bool:
    """True when one release (an object with ``age_limit``) may be shown under ``cap``."""
    if cap is None:
        return True
    limit = getattr(release, "age_limit", None)
    if isinstance(release, dict):
        limit = release.get("age_limit")
    return limit is not None and limit <= cap

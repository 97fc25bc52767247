"""The per-member age cap: the one home of the rule, for the catalog and a member's library.

A member with an ``age_cap`` never sees a release whose ``age_limit`` is above the cap,
nor one whose age rating is unknown (``age_limit IS NULL``). Members without a cap see
everything.

Two ways in, one rule:

- The catalog (browse, search, release pages, facets) is cached per cap, so its views pass
  ``cap_of(user)`` and the cache keys hold the cap (members with one cap share pages).
- A member's own data (lists, favorites, collections, history, progress, continue watching,
  imports and exports) goes through the library services, which take a member id and read
  the member's cap themselves with ``member_cap``: no caller can forget it, and a lowered
  cap applies to the very next read. Views never re-check it.

A new area that shows or stores releases for a member (comments, notifications, ...) does
the same: read through ``apply_age_cap(query, member_cap(user_id))``, refuse a write with
``require_allowed``. A hidden release is "not found", never "forbidden", so a capped member
cannot tell it exists.
"""
from __future__ import annotations

from ..errors import NotFound
from ..models import Release, User


def cap_of(user) -> int | None:
    """The age cap of ``user`` (None: no cap, also for anonymous callers of public routes)."""
    return getattr(user, "age_cap", None) if user is not None else None


def member_cap(user_id: int | None) -> int | None:
    """The member's cap as stored now (one small query; None for no cap or no member)."""
    if user_id is None:
        return None
    return User.select(User.age_cap).where(User.id == user_id).scalar()


def condition(cap: int | None, column=None):
    """The SQL condition "allowed under ``cap``" on ``column`` (Release.age_limit by default);
    None when there is no cap."""
    if cap is None:
        return None
    column = Release.age_limit if column is None else column
    return column.is_null(False) & (column <= cap)


def apply_age_cap(query, cap: int | None, model=Release, column=None):
    """``query`` restricted to releases allowed under ``cap`` (unchanged when cap is None).

    The query must select or join ``model`` (Release or an alias of it). ``column``
    replaces ``model.age_limit`` (e.g. an expression that keeps an index out)."""
    if cap is None:
        return query
    return query.where(condition(cap, model.age_limit if column is None else column))


def allowed(release, cap: int | None) -> bool:
    """True when one release (an object or dict with ``age_limit``) may be shown under ``cap``."""
    if cap is None:
        return True
    if isinstance(release, dict):
        limit = release.get("age_limit")
    else:
        limit = getattr(release, "age_limit", None)
    return limit is not None and limit <= cap


def require_allowed(release, cap: int | None, field: str = "release_id"):
    """``release`` when it may be shown under ``cap``; NotFound naming ``field`` otherwise
    (also when ``release`` is None)."""
    if release is None or not allowed(release, cap):
        raise NotFound("No such release.", field)
    return release

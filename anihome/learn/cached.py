"""The learning answers members ask for again and again, cached in the app's cache.

An entry is tagged with every member it depends on (``user:<id>``: their lists, progress,
favourites or account changed), ``job:learn`` (a nightly run finished) and ``catalog`` (a sync
wrote releases), so it is dropped the moment what it was computed from changes, and after the
cache's default lifetime in any case. The web pages and the API share these entries.
"""
from __future__ import annotations

from . import recommendations, tonight


def for_you(cache, user, limit: int, blend: str = "a") -> list:
    """The member's For-you list (``recommendations.for_member``)."""
    return cache.get_or_set(f"learn:foryou:{user.id}:{blend}:{limit}",
                            lambda: recommendations.for_member(user, limit, blend),
                            tags=(f"user:{user.id}", "job:learn", "catalog"))


def tonight_plan(cache, members: list, minutes) -> list:
    """``tonight.plan`` with the shortlist (the part that reads the database) cached per set of
    members present; the minutes only change how many episodes fit."""
    minutes = tonight.check_minutes(minutes)
    key = "learn:tonight:" + ",".join(str(m.id) for m in members)
    short = cache.get_or_set(key, lambda: tonight.shortlist(members),
                             tags=tuple(f"user:{m.id}" for m in members) + ("job:learn", "catalog"))
    return tonight.fit(short, minutes)

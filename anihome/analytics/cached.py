"""Cached analytics reads: the time-to-live table, one cache tag, invalidation by new roll-ups.

Every read goes through ``cached(app, kind, key, compute)``: the app's cache answers while
the entry lives, else ``compute()`` reads the database. The pages cache their rendered HTML
fragments (charts and tables, per language) the same way, under the kind of the numbers in
them, so a fragment lives exactly as long as its numbers would. A finished roll-up drops the whole
``analytics`` tag, and a member's own data changing drops that member's entries, so numbers
are never older than the roll-up under them.
"""
from __future__ import annotations

from typing import Any, Callable

from .. import events
from ..cache import get_cache

TAG = "analytics"
#: Seconds each kind of answer may be served from the cache.
TTL = {
    "views": 600,
    "top": 3600,
    "cohorts": 3600,
    "members": 900,
    "stats": 900,
    "completion": 3600,
    "dubs": 3600,
    "health": 600,
}
_RECEIVERS = "anihome.analytics.receivers"


def cached(app, kind: str, key: tuple, compute: Callable[[], Any], user_id: int | None = None,
           tags: tuple[str, ...] = ()) -> Any:
    """``compute()`` cached for ``TTL[kind]`` seconds under ``kind`` + ``key``, dropped with the
    ``analytics`` tag, the member's ``user:<id>`` tag when ``user_id`` is given, and ``tags``."""
    tags = [TAG, *tags] if user_id is None else [TAG, f"user:{user_id}", *tags]
    cache_key = "analytics:" + kind + ":" + ":".join(str(part) for part in key)
    return get_cache(app).get_or_set(cache_key, compute, TTL[kind], tags)


def connect(app) -> None:
    """Drop cached analytics when a roll-up finishes (receivers held by the app)."""
    def on_rollup(sender, **kwargs):
        get_cache(app).invalidate_tag(TAG)

    app.extensions[_RECEIVERS] = [on_rollup]
    events.analytics_rolled_up.connect(on_rollup)


def connect_dirty_marks(app) -> None:
    """A member who deletes watch history gets all their days rolled up again next run."""
    from . import rollup

    def on_member_data(sender, user_id=None, kind=None, **kwargs):
        if kind == "history" and user_id is not None:
            rollup.mark_dirty(user_id)

    app.extensions[_RECEIVERS].append(on_member_data)
    events.member_data_changed.connect(on_member_data)

"""Per-request work Flask repeats although its answer never changes, done once instead.

Flask passes every before/after-request hook and view through ``ensure_sync``, which asks
``inspect`` whether the function is a coroutine (a dozen times per request here). Plain
functions are remembered with their answer; anything else (bound methods, partials, made
afresh per call) still goes through Flask's own check.
"""
from __future__ import annotations

from types import FunctionType


def install(app) -> None:
    checked: dict = {}
    ensure_sync = app.ensure_sync

    def remembered(func):
        if type(func) is not FunctionType:
            return ensure_sync(func)
        found = checked.get(func)
        if found is None:
            found = checked[func] = ensure_sync(func)
        return found

    app.ensure_sync = remembered

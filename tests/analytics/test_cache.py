"""Cached analytics answers live for their time-to-live (an injected clock), fall back to the
database on a miss, and are dropped by a new roll-up or by the member's own data changing."""
import pytest

from anihome import events
from anihome.analytics import cached, rollup
from anihome.cache import Cache


@pytest.fixture
def clock(app):
    now = [1000.0]
    cache = Cache(clock=lambda: now[0])
    cache.connect_signals()
    app.extensions["anihome.cache"] = cache
    return now


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)
    return calls, compute


@pytest.mark.parametrize("kind, ttl", [("views", 600), ("top", 3600), ("cohorts", 3600), ("members", 900)])
def test_each_kind_lives_for_its_time_to_live(app, clock, kind, ttl):
    calls, compute = _counter()
    assert cached.TTL[kind] == ttl
    assert cached.cached(app, kind, ("k",), compute) == 1
    clock[0] += ttl - 1
    assert cached.cached(app, kind, ("k",), compute) == 1
    clock[0] += 1
    assert cached.cached(app, kind, ("k",), compute) == 2 and len(calls) == 2


def test_a_new_rollup_drops_every_cached_answer(app, clock, house):
    calls, compute = _counter()
    cached.cached(app, "top", ("k",), compute)
    rollup.run("Europe/Moscow")
    assert cached.cached(app, "top", ("k",), compute) == 2


def test_a_members_own_change_drops_only_their_entries(app, clock):
    calls, compute = _counter()
    cached.cached(app, "stats", ("a",), compute, user_id=7)
    cached.cached(app, "views", ("b",), compute)
    events.member_data_changed.send(None, user_id=7, kind="lists")
    assert cached.cached(app, "stats", ("a",), compute) == 3
    assert cached.cached(app, "views", ("b",), compute) == 2

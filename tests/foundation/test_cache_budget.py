"""The cache is bounded in bytes: values are measured when stored, the least recently used
entries go first when the budget is passed, and the byte count follows every removal."""
import sys

from markupsafe import Markup

from anihome import create_app
from anihome.cache import ENTRY_OVERHEAD, Cache, size_of


def _entry_bytes(key: str, value) -> int:
    return size_of(value) + sys.getsizeof(key) + ENTRY_OVERHEAD


def test_text_and_bytes_are_measured_by_their_real_size():
    html = "<p>" + "Атака титанов " * 100 + "</p>"
    assert size_of(html) == sys.getsizeof(html) > 2 * len(html)  # Cyrillic: two bytes a character
    assert size_of(b"x" * 1000) == sys.getsizeof(b"x" * 1000)
    assert size_of(Markup("<b>hi</b>")) == sys.getsizeof(Markup("<b>hi</b>"))


def test_containers_count_what_they_hold():
    small = {"items": [{"id": 1, "title": "a"}]}
    large = {"items": [{"id": i, "title": "title %d" % i} for i in range(500)]}
    assert size_of(large) > 50 * size_of(small)
    text = "x" * 10_000
    assert size_of([text]) >= sys.getsizeof(text) + sys.getsizeof([text])
    assert size_of([text, text]) < 2 * sys.getsizeof(text)  # one object shared is counted once


def test_objects_are_measured_through_their_attributes():
    class Row:
        def __init__(self, payload):
            self.payload = payload

    assert size_of(Row("y" * 5000)) > 5000


def test_the_byte_count_follows_sets_replacements_and_deletes():
    cache = Cache(max_bytes=10**6)
    cache.set("a", "x" * 1000)
    cache.set("b", b"y" * 2000)
    assert cache.stats()["bytes"] == _entry_bytes("a", "x" * 1000) + _entry_bytes("b", b"y" * 2000)
    cache.set("a", "z" * 10)  # replaced: the old size is given back
    assert cache.stats()["bytes"] == _entry_bytes("a", "z" * 10) + _entry_bytes("b", b"y" * 2000)
    cache.delete("b")
    assert cache.stats()["bytes"] == _entry_bytes("a", "z" * 10)
    cache.clear()
    assert cache.stats()["bytes"] == 0 and cache.stats()["entries"] == 0


def test_passing_the_budget_evicts_the_least_recently_used_first():
    one = _entry_bytes("k0", "v" * 10_000)
    cache = Cache(max_bytes=3 * one + 10)
    for i in range(3):
        cache.set(f"k{i}", "v" * 10_000)
    assert cache.get("k0") is not None  # k0 used again: k1 is now the oldest
    cache.set("k3", "v" * 10_000)
    assert cache.get("k1") is None
    assert all(cache.get(k) is not None for k in ("k0", "k2", "k3"))
    stats = cache.stats()
    assert stats["evictions"] == 1 and stats["bytes"] <= stats["max_bytes"] and stats["entries"] == 3


def test_one_large_value_evicts_as_many_small_ones_as_it_needs():
    small, big = _entry_bytes("small10", "s" * 1000), _entry_bytes("big", "b" * 80_000)
    cache = Cache(max_bytes=150 * small)
    for i in range(100, 200):
        cache.set(f"small{i}", "s" * 1000)
    assert cache.evictions == 0
    cache.set("big", "b" * 80_000)
    needed = -(-(100 * small + big - 150 * small) // small)  # ceil: small entries that must go
    stats = cache.stats()
    assert cache.get("big") is not None
    assert stats["evictions"] == needed and stats["bytes"] <= stats["max_bytes"]
    assert cache.get(f"small{100 + needed - 1}") is None and cache.get(f"small{100 + needed}") is not None


def test_any_amount_of_distinct_entries_stays_within_the_budget():
    cache = Cache(max_bytes=256 * 1024)
    for i in range(20_000):
        cache.set(f"search:{i}", {"items": [{"id": i, "title": f"title {i}"}], "total": i}, tags=("catalog",))
        assert cache.bytes <= cache.max_bytes
    assert cache.stats()["entries"] < 20_000 and cache.evictions > 0
    cache.invalidate_tag("catalog")
    assert cache.stats()["bytes"] == 0 and cache.stats()["entries"] == 0


def test_a_value_larger_than_half_the_budget_is_returned_but_not_kept():
    cache = Cache(max_bytes=100_000)
    cache.set("keep", "k" * 1000)
    assert cache.get_or_set("huge", lambda: "h" * 60_000) == "h" * 60_000
    assert cache.get("huge") is None and cache.get("keep") is not None
    assert cache.stats()["too_large"] == 1


def test_expired_and_invalidated_entries_give_their_bytes_back():
    now = [0.0]
    cache = Cache(max_bytes=10**6, clock=lambda: now[0])
    cache.set("short", "x" * 1000, ttl=5, tags=("user:1",))
    cache.set("long", "y" * 1000, ttl=500, tags=("user:2",))
    now[0] = 10
    assert cache.get("short") is None
    assert cache.stats()["bytes"] == _entry_bytes("long", "y" * 1000)
    cache.invalidate_tag("user:2")
    assert cache.stats()["bytes"] == 0


def test_an_optional_entry_cap_also_applies():
    cache = Cache(max_bytes=10**7, max_entries=3)
    for i in range(5):
        cache.set(str(i), i)
    assert cache.stats()["entries"] == 3 and cache.get("0") is None and cache.get("4") == 4


def test_the_app_cache_budget_comes_from_cache_mb(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "SECRET_KEY": "k", "CACHE_MB": 3})
    cache = app.extensions["anihome.cache"]
    assert cache.max_bytes == 3 * 1024 * 1024 and cache.max_entries == 0


def test_a_value_computed_while_one_of_its_tags_was_dropped_is_not_stored():
    cache = Cache(max_bytes=10**6)
    since = cache.snapshot(("user:1", "catalog"))
    cache.invalidate_tag("user:1")  # a change landed while the value was computed
    cache.set("page", "old", tags=("user:1", "catalog"), unless_dropped_since=since)
    assert cache.get("page") is None
    since = cache.snapshot(("user:1", "catalog"))
    cache.invalidate_tag("user:2")  # another member's change does not matter
    cache.set("page", "new", tags=("user:1", "catalog"), unless_dropped_since=since)
    assert cache.get("page") == "new"
    since = cache.snapshot(("user:1",))
    cache.clear()
    cache.set("page", "old", tags=("user:1",), unless_dropped_since=since)
    assert cache.get("page") is None

"""Compact, column-per-field storage of the fake Kodik catalog.

A catalog of 100,000 items must stay small and fast, so titles and items are stored as
parallel `array`s of small numbers; the JSON dicts Kodik would send are rendered on demand
(render.py) from these numbers and per-title seeded randomness. One title is one franchise
entry (keyed by shikimori_id); one item is one title x translation, as on Kodik (API.md §7).
"""

import bisect
import random
import threading
from array import array

from .vocab import MOVIE_TYPES, VALID_TYPES

# Title flag bits.
HAS_MATERIAL_DATA = 1
LGBT = 2
LICENSED = 4
HAS_DESCRIPTION = 8
HAS_SPECIALS = 16

# Item block kinds (low two bits of Items.block) and the blocked-countries bit.
BLOCK_SEASON, BLOCK_EPISODES, BLOCK_ALL = 1, 2, 3
BLOCKED_COUNTRIES = 4

STATUS_RELEASED, STATUS_ONGOING = 0, 1  # indices into vocab.STATUSES

# Seed spaces of sub_rng: each kind of lazily rendered detail has its own random stream.
SPACE_ITEM, SPACE_TITLE, SPACE_FRANCHISE, SPACE_EPISODES, SPACE_TOUCH, SPACE_ADD = range(6)

# Sort keys /list accepts (API.md §3.3), as functions of (catalog, item index).
SORT_FIELDS = ("updated_at", "created_at", "year", "kinopoisk_rating", "imdb_rating", "shikimori_rating")


def sub_rng(seed, space, n):
    """A Random for one detail of one record, independent of generation order."""
    return random.Random((seed << 48) + (space << 40) + n)


class Columns:
    """A set of equally long typed arrays, one per field, appended row by row."""

    def __init__(self, spec):
        self._names = tuple(spec)
        for name, code in spec.items():
            setattr(self, name, bytearray() if code == "B" else array(code))

    def append(self, **row):
        """Append one row; every field must be given."""
        for name in self._names:
            getattr(self, name).append(row[name])

    def __len__(self):
        return len(getattr(self, self._names[0]))


TITLE_FIELDS = {
    "franchise": "l", "type": "B", "entry": "B", "year": "H", "shiki": "l", "kp": "l", "imdb": "l",
    "worldart": "l", "flags": "B", "status": "B", "akind": "B", "eps": "H", "aired": "H", "nseasons": "B",
    "genres": "L", "agenres": "L", "country": "B", "rating": "B", "kp_rating": "H", "imdb_rating": "H",
    "shiki_rating": "H", "aired_ts": "q", "duration": "B",
}
ITEM_FIELDS = {
    "title": "l", "team": "B", "num": "l", "created": "q", "updated": "q", "quality": "B", "lag": "B",
    "extra": "H", "block": "B",
}


class Catalog:
    """The fake catalog: titles, items, a clock for fresh timestamps, and cached sort orders.

    Mutations (generator.touch / add_items) call `changed()`, which invalidates the caches.
    A lock serialises mutations against the server threads reading it.
    """

    def __init__(self, seed, now):
        self.seed = seed
        self.now = now  # epoch seconds; the newest updated_at handed out so far
        self.titles = Columns(TITLE_FIELDS)
        self.items = Columns(ITEM_FIELDS)
        self.version = 0
        self.lock = threading.RLock()
        self._cache = {}

    def __len__(self):
        return len(self.items)

    def __repr__(self):
        return f"Catalog(seed={self.seed}, titles={len(self.titles)}, items={len(self.items)})"

    # --- derived values -------------------------------------------------------------------
    def type_name_of_title(self, t):
        """Kodik `type` of title t."""
        return VALID_TYPES[self.titles.type[t]]

    def type_name(self, i):
        """Kodik `type` of item i."""
        return VALID_TYPES[self.titles.type[self.items.title[i]]]

    def is_movie(self, i):
        return self.type_name(i) in MOVIE_TYPES

    def item_id(self, i):
        """Kodik string id: `movie-<n>` or `serial-<n>`."""
        return ("movie-" if self.is_movie(i) else "serial-") + str(self.items.num[i])

    def last_episode(self, i):
        """Episodes this translation has in its last season (0 for a movie)."""
        t = self.items.title[i]
        if not self.titles.nseasons[t]:
            return 0
        return max(1, self.titles.aired[t] - self.items.lag[i]) + self.items.extra[i]

    def sort_value(self, sort, i):
        """The value /list sorts on; missing ratings sort as 0."""
        t = self.items.title[i]
        if sort == "updated_at":
            return self.items.updated[i] * 1000
        if sort == "created_at":
            return self.items.created[i] * 1000
        if sort == "year":
            return self.titles.year[t]
        column = {"kinopoisk_rating": self.titles.kp_rating, "imdb_rating": self.titles.imdb_rating,
                  "shikimori_rating": self.titles.shiki_rating}[sort]
        return column[t] / 100

    # --- caches ---------------------------------------------------------------------------
    def changed(self):
        """Call after any mutation: drops sort orders, indexes and cached totals."""
        self.version += 1
        self._cache.clear()

    def cached(self, key, build):
        """Memoise `build()` under `key` until the next mutation."""
        with self.lock:
            version = self.version
            value = self._cache.get(key)
            if value is None:
                value = build()
                if version == self.version:
                    self._cache[key] = value
            return value

    def order(self, sort):
        """Item indices ascending by (sort value, id): the keyset order of /list."""
        def build():
            key = self._key_func(sort)
            return array("l", sorted(range(len(self.items)), key=key))
        return self.cached(("order", sort), build)

    def _key_func(self, sort):
        return lambda i: (self.sort_value(sort, i), self.item_id(i))

    def position(self, sort, value, item_id, after):
        """Index in order(sort) of the first entry above (value, id), or at/above it if not `after`."""
        order = self.order(sort)
        key = self._key_func(sort)
        finder = bisect.bisect_right if after else bisect.bisect_left
        return finder(order, (value, item_id), key=key)

    def items_of_title(self):
        """List, per title, of its item indices."""
        def build():
            groups = [[] for _ in range(len(self.titles))]
            for i, t in enumerate(self.items.title):
                groups[t].append(i)
            return groups
        return self.cached("items_of_title", build)

    def index_by(self, name, value_of):
        """Dict from `value_of(i)` to the item indices having it (for /search by external id)."""
        def build():
            index = {}
            for i in range(len(self.items)):
                value = value_of(i)
                if value:
                    index.setdefault(value, []).append(i)
            return index
        return self.cached(("index", name), build)

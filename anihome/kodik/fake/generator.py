"""Deterministic generator of a Kodik-like anime catalog, and the mutations tests need.

`build_catalog(n, seed)` makes the compact Catalog the fake server serves;
`generate_items(n, seed)` renders the same items as dicts without any HTTP, for a demo
loader. The same (n, seed) always gives the same catalog, in any process.
"""

import calendar
import random

from .catalog import (
    BLOCK_ALL, BLOCK_EPISODES, BLOCK_SEASON, BLOCKED_COUNTRIES, HAS_DESCRIPTION, HAS_MATERIAL_DATA,
    HAS_SPECIALS, LGBT, LICENSED, SPACE_ADD, SPACE_TOUCH, STATUS_ONGOING, STATUS_RELEASED, Catalog, sub_rng,
)
from .render import render_item
from .vocab import (
    ANIME_GENRES, ANIME_KINDS, COUNTRIES, GENERATED_TYPES, KP_GENRES, MOVIE_TYPES, QUALITIES, RATINGS, TEAMS,
    VALID_TYPES,
)

BASE_NOW = 1777701600  # 2026-05-02T06:00:00Z: "now" of a fresh catalog, fixed for determinism
KODIK_START = 1451606400  # 2016-01-01: no item was created on Kodik before this
DAY = 86400
YEAR = 365 * DAY
NO_RATING = 255

def build_catalog(n, seed=1, now=BASE_NOW):
    """Generate a catalog of exactly `n` items (title x translation) from `seed`."""
    catalog = Catalog(seed, now)
    rng = random.Random(seed)
    bulk = [rng.randrange(KODIK_START + YEAR, now - DAY) for _ in range(12)]
    _Builder(catalog, rng, bulk).add(n)
    catalog.changed()
    return catalog


def add_items(catalog, n):
    """Add `n` brand-new items (new titles, created and updated just now); return their ids."""
    with catalog.lock:
        start = len(catalog.items)
        rng = sub_rng(catalog.seed, SPACE_ADD, catalog.version)
        catalog.now += 60
        _Builder(catalog, rng, [], fresh_at=catalog.now).add(n)
        catalog.changed()
        return [catalog.item_id(i) for i in range(start, len(catalog.items))]


def touch(catalog, n):
    """Make `n` deterministic items change now: fresh updated_at, and a new episode for serials.

    Touched items share updated_at values in groups of three, as Kodik's bulk updates do.
    Returns the ids touched, newest first as /list would show them.
    """
    with catalog.lock:
        rng = sub_rng(catalog.seed, SPACE_TOUCH, catalog.version)
        picks = rng.sample(range(len(catalog.items)), min(n, len(catalog.items)))
        return touch_items(catalog, picks)


def touch_items(catalog, indices):
    """Give the items at `indices` a fresh updated_at (and serials one more episode)."""
    with catalog.lock:
        items, titles = catalog.items, catalog.titles
        base = catalog.now + 60
        for j, i in enumerate(indices):
            items.updated[i] = base + j // 3
            t = items.title[i]
            if titles.nseasons[t]:
                items.extra[i] += 1
            else:
                items.quality[i] = 0  # a movie gets a better rip
        catalog.now = base + max(0, len(indices) - 1) // 3
        catalog.changed()
        newest_first = sorted(indices, key=lambda i: (items.updated[i], catalog.item_id(i)), reverse=True)
        return [catalog.item_id(i) for i in newest_first]


def generate_items(n, seed=1, *, with_material_data=True, seasons=None):
    """Yield the `n` items of catalog (n, seed) as Kodik dicts, in /list default order.

    `seasons` is None, "seasons", "episodes" or "episodes_data" (see render.render_item).
    A generator, so 100k items never sit in memory at once.
    """
    catalog = build_catalog(n, seed)
    for i in reversed(catalog.order("updated_at")):
        yield render_item(catalog, i, material_data=with_material_data, seasons=seasons)


def _weighted(pairs):
    """(values, cumulative weights) for random.choices."""
    values, total, cum = [], 0, []
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum


class _Builder:
    """Appends franchises (titles and their translations) to a catalog until n items exist."""

    def __init__(self, catalog, rng, bulk, fresh_at=None):
        self.catalog, self.rng, self.bulk, self.fresh_at = catalog, rng, bulk, fresh_at
        self.types = _weighted((VALID_TYPES.index(name), w) for name, w in GENERATED_TYPES)
        self.teams = _weighted((k, team[3]) for k, team in enumerate(TEAMS))
        self.qualities = _weighted((k, q[1]) for k, q in enumerate(QUALITIES))
        titles = catalog.titles
        self.next_shiki = max(titles.shiki, default=0) + rng.randint(1, 40)
        self.next_kp = max(titles.kp, default=0) + rng.randint(100_000, 200_000)
        self.next_num = {True: 0, False: 0}
        for i in range(len(catalog.items)):
            movie = catalog.is_movie(i)
            self.next_num[movie] = max(self.next_num[movie], catalog.items.num[i])

    def add(self, n):
        target = len(self.catalog.items) + n
        first = len(self.catalog.items)
        while len(self.catalog.items) < target:
            self._franchise(target)
        self._number(first)

    def _pick(self, table):
        values, cum = table
        return self.rng.choices(values, cum_weights=cum)[0]

    def _franchise(self, target):
        rng = self.rng
        family = self._pick(self.types)
        anime = VALID_TYPES[family] in ("anime", "anime-serial")
        franchise = self.catalog.titles.franchise[-1] + 1 if len(self.catalog.titles) else 0
        year = self._recent_year() if self.fresh_at else self._year()
        kp = self._next_kp() if rng.random() < (0.88 if anime else 0.97) else 0
        imdb = rng.randint(100_000, 39_000_000) if kp and rng.random() < 0.7 else 0
        season = 0
        for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 3, 4)) if anime else 1):
            kind = family
            if anime:
                kind = VALID_TYPES.index("anime" if rng.random() < 0.25 else "anime-serial")
            if VALID_TYPES[kind] not in MOVIE_TYPES:
                season += 1
            t = self._title(franchise, kind, max(season, 1), year, kp, imdb, anime)
            self._items(t, target)
            year += rng.randint(1, 3)
            if len(self.catalog.items) >= target or year > 2026:
                return

    def _year(self):
        return min(2026, int(2027 - self.rng.expovariate(1 / 9))) if self.rng.random() < 0.97 else \
            self.rng.randint(1960, 1990)

    def _recent_year(self):
        return self.rng.choice((2025, 2026, 2026))

    def _next_kp(self):
        self.next_kp += self.rng.randint(1, 400)
        return self.next_kp

    def _title(self, franchise, kind, season, year, kp, imdb, anime):
        rng, titles = self.rng, self.catalog.titles
        type_name = VALID_TYPES[kind]
        movie = type_name in MOVIE_TYPES
        status = STATUS_RELEASED
        if year >= 2026 and rng.random() < 0.7 or year == 2025 and rng.random() < 0.2:
            status = STATUS_ONGOING if not movie else STATUS_RELEASED
        kinds = ANIME_KINDS.get(type_name, ("",))
        akind = rng.randrange(len(kinds))
        eps = 0 if movie else rng.choice((12, 12, 12, 13, 13, 24, 25, 10, 11, 26, 8, 50, 220))
        nseasons = 0 if movie else (rng.randint(2, 4) if season == 1 and rng.random() < 0.07 else 1)
        if self.fresh_at is not None or status == STATUS_ONGOING:
            aired_ts = self.catalog.now - rng.randint(7, 120) * DAY
        else:
            aired_ts = min(_jan1(year) + rng.randint(0, 330) * DAY, self.catalog.now - 30 * DAY)
        flags = (HAS_MATERIAL_DATA if rng.random() < 0.97 else 0) | (LGBT if rng.random() < 0.02 else 0) | \
            (LICENSED if rng.random() < 0.3 else 0) | (HAS_DESCRIPTION if rng.random() < 0.85 else 0) | \
            (HAS_SPECIALS if not movie and rng.random() < 0.08 else 0)
        self.next_shiki += rng.randint(1, 3)
        genres = 0
        if anime or "cartoon" in type_name:
            genres |= 1 << KP_GENRES.index("мультфильм")
        if anime:
            genres |= 1 << KP_GENRES.index("аниме")
        for _ in range(rng.randint(1, 3)):
            genres |= 1 << rng.randrange(1, len(KP_GENRES))
        agenres = 0
        for _ in range(rng.randint(2, 5) if anime else 0):
            agenres |= 1 << rng.randrange(len(ANIME_GENRES))
        titles.append(
            franchise=franchise, type=kind, entry=season, year=year,
            shiki=self.next_shiki if anime and rng.random() < 0.95 else 0,
            kp=kp if not movie or season == 1 else self._next_kp() if kp else 0, imdb=imdb,
            worldart=rng.randint(100, 13_000) if rng.random() < 0.8 else 0, flags=flags, status=status,
            akind=akind, eps=eps, aired=rng.randint(1, eps - 1) if status == STATUS_ONGOING else eps,
            nseasons=nseasons, genres=genres, agenres=agenres,
            country=COUNTRIES.index("Япония") if anime and rng.random() < 0.95 else rng.randrange(len(COUNTRIES)),
            rating=rng.randrange(len(RATINGS)) if rng.random() < 0.95 else NO_RATING,
            kp_rating=rng.randint(50, 92) * 10 if kp else 0, imdb_rating=rng.randint(50, 90) * 10 if imdb else 0,
            shiki_rating=rng.randint(550, 920) if anime else 0, aired_ts=aired_ts,
            duration=rng.randint(60, 150) if movie else rng.choice((23, 24, 24, 12, 45)),
        )
        return len(titles) - 1

    def _items(self, t, target):
        rng, titles, items = self.rng, self.catalog.titles, self.catalog.items
        serial = titles.nseasons[t] > 0
        count = min(target - len(items), rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 8)) if serial else
                    rng.choice((1, 1, 2, 3)))
        teams = []
        while len(teams) < count:
            team = self._pick(self.teams)
            if team not in teams:
                teams.append(team)
        for team in teams:
            created, updated = self._times(t)
            block = rng.choice((BLOCK_SEASON, BLOCK_EPISODES, BLOCK_ALL)) if serial and rng.random() < 0.05 else 0
            if rng.random() < 0.03:
                block |= BLOCKED_COUNTRIES
            items.append(
                title=t, team=team, num=0, created=created, updated=updated, quality=self._pick(self.qualities),
                lag=rng.randint(1, 3) if serial and rng.random() < 0.2 else 0, extra=0, block=block,
            )

    def _times(self, t):
        """(created, updated) epoch seconds of one item of title t."""
        rng, now = self.rng, self.catalog.now
        if self.fresh_at is not None:
            return self.fresh_at, self.fresh_at
        start = max(self.catalog.titles.aired_ts[t], KODIK_START + rng.randint(0, 2 * YEAR))
        created = min(start + rng.randint(0, 90 * DAY), now - rng.randint(3600, 20 * DAY))
        if self.catalog.titles.status[t] == STATUS_ONGOING:
            updated = now - rng.randint(0, 7 * DAY)
        elif self.bulk and rng.random() < 0.12:
            updated = rng.choice(self.bulk)  # one of Kodik's mass re-encodes: many items, one instant
        else:
            updated = created + int((now - created) * (1 - rng.random() ** 0.5))
        return created, max(created, updated)

    def _number(self, first):
        """Give new items their numeric Kodik ids, increasing with created_at per id space."""
        catalog = self.catalog
        for i in sorted(range(first, len(catalog.items)), key=lambda i: catalog.items.created[i]):
            movie = catalog.is_movie(i)
            if not self.next_num[movie]:
                self.next_num[movie] = self.rng.randint(400, 2000)
            self.next_num[movie] += self.rng.randint(1, 4)
            catalog.items.num[i] = self.next_num[movie]


def _jan1(year):
    """Epoch seconds of 1 January of `year` (UTC)."""
    return calendar.timegm((year, 1, 1, 0, 0, 0))

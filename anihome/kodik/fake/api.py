"""The fake Kodik endpoints as plain functions of (catalog, request parameters).

`answer()` returns the JSON payload of a request whose token was already accepted, or
raises filters.ApiError. No HTTP here: server.py wraps it. Behaviour follows API.md §10.
"""

import re
from collections import Counter
from urllib.parse import quote, urlencode

from .catalog import HAS_MATERIAL_DATA
from .filters import (
    NO_SEARCH_KEY, ApiError, compile_filters, csv, decode_cursor, encode_cursor, filter_key, flag, limit, seasons_mode,
    sort_order,
)
from .render import render_item, title_names
from .vocab import ANIME_GENRES, COUNTRIES, KP_GENRES, QUALITIES, TEAMS

SEARCH_KEYS = ("title", "title_orig", "id", "player_link", "kinopoisk_id", "imdb_id", "mdl_id", "shikimori_id",
               "worldart_animation_id", "worldart_cinema_id", "worldart_link")
PAGE_PARAMS = ("next", "prev")


class NotFound(Exception):
    """No such endpoint."""


class Answer:
    """A payload, plus for /list the index of the first item after the page (for fault modes)."""

    __slots__ = ("payload", "upcoming")

    def __init__(self, payload, upcoming=None):
        self.payload, self.upcoming = payload, upcoming


def answer(catalog, path, pairs, base_url):
    """Answer one request; `pairs` are its parameters in request order, token included."""
    params = dict(pairs)
    endpoint = ENDPOINTS.get(path.rstrip("/"))
    if endpoint is None:
        raise NotFound(path)
    with catalog.lock:
        return endpoint(catalog, params, pairs, base_url)


# --- /list -------------------------------------------------------------------------------

def list_page(catalog, params, pairs, base_url):
    """One keyset page of /list: sort by (field, id), `next`/`prev` cursors (API.md §4)."""
    size = limit(params, 50)
    sort, desc = sort_order(params)
    match = compile_filters(catalog, params)
    order = catalog.order(sort)
    backwards = bool(params.get("prev"))
    cursor = params.get("prev") or params.get("next")
    down = desc != backwards  # walking towards smaller keys?
    if cursor:
        value, item_id = decode_cursor(cursor)
        start = catalog.position(sort, value, item_id, after=False) - 1 if down else \
            catalog.position(sort, value, item_id, after=True)
    else:
        start = len(order) - 1 if down else 0
    picked = _walk(order, start, -1 if down else 1, match, size + 1)
    more = len(picked) > size
    upcoming = picked.pop() if more else None
    if backwards:
        picked.reverse()
    has_next, has_prev = (True, more) if backwards else (more, bool(cursor))
    material_data, mode = flag(params, "with_material_data"), seasons_mode(params)
    link = _page_link(base_url, pairs)
    payload = {
        "time": "0ms",
        "total": _total(catalog, params, match),
        "prev_page": link("prev", catalog, sort, picked[0]) if has_prev and picked else None,
        "next_page": link("next", catalog, sort, picked[-1]) if has_next and picked else None,
        "results": [render_item(catalog, i, material_data=material_data, seasons=mode) for i in picked],
    }
    return Answer(payload, None if backwards else upcoming)


def _walk(order, start, step, match, count):
    found = []
    k, n = start, len(order)
    while 0 <= k < n and len(found) < count:
        i = order[k]
        if match is None or match(i):
            found.append(i)
        k += step
    return found


def _total(catalog, params, match):
    if match is None:
        return len(catalog.items)
    return catalog.cached(("total", filter_key(params)), lambda: sum(1 for i in range(len(catalog.items)) if match(i)))


def _page_link(base_url, pairs):
    """Builder of next_page/prev_page: the request's parameters in order, token included, plus a cursor."""
    query = urlencode([(k, v) for k, v in pairs if k not in PAGE_PARAMS], safe=",")

    def link(kind, catalog, sort, i):
        cursor = encode_cursor(catalog.sort_value(sort, i), catalog.item_id(i))
        return f"{base_url}/list?{query}&{kind}={quote(cursor, safe='')}"
    return link


# --- /search -----------------------------------------------------------------------------

def search(catalog, params, pairs, base_url):
    """/search: by title or external ids, then filters; relevance order; no pagination."""
    keys = [key for key in SEARCH_KEYS if params.get(key)]
    if not keys:
        raise ApiError(NO_SEARCH_KEY)
    match = compile_filters(catalog, params)
    hits, rank = Counter(), {}
    for key in keys:
        if key in ("title", "title_orig"):
            for i, r in _title_matches(catalog, params[key], key == "title_orig", params).items():
                hits[i] += 1
                rank[i] = min(rank.get(i, r), r)
        else:
            for i in _id_matches(catalog, key, params[key]):
                hits[i] += 1
    season, episode = params.get("season"), params.get("episode")
    found = [i for i in hits if (match is None or match(i)) and _has_episode(catalog, i, season, episode)]
    priority = _translation_priority(params)
    items, updated = catalog.items, catalog.items.updated
    found.sort(key=lambda i: (-hits[i], rank.get(i, 0), priority(TEAMS[items.team[i]]), -updated[i]))
    found = found[:limit(params, 50)]
    material_data, mode = flag(params, "with_material_data"), seasons_mode(params)
    results = [render_item(catalog, i, material_data=material_data, seasons=mode) for i in found]
    return Answer({"time": "0ms", "total": len(results), "results": results})


def normalise(text):
    """Search form of a title: lower case, ё folded to е."""
    return text.lower().replace("ё", "е")


def _haystacks(catalog):
    """Per title: (normalised title_orig, tuple of all normalised names)."""
    def build():
        out = []
        for t in range(len(catalog.titles)):
            names = title_names(catalog, t)
            every = [names["title"], names["anime_title"], names["title_orig"], names["title_en"],
                     *names["other_titles"], *names["other_titles_jp"]]
            out.append((normalise(names["title_orig"]), tuple({normalise(n) for n in every})))
        return out
    return catalog.cached("haystacks", build)


def _title_matches(catalog, query, orig_only, params):
    """{item: rank} for a title query; rank 0 = exact, 1 = prefix, 2 = contains every word."""
    q = normalise(query.strip())
    words = q.split()
    full, strict = flag(params, "full_match"), flag(params, "strict")
    found = {}
    groups = catalog.items_of_title()
    for t, (orig, names) in enumerate(_haystacks(catalog)):
        best = None
        for name in (orig,) if orig_only else names:
            if name == q:
                best = 0
                break
            if full:
                continue
            if name.startswith(q):
                best = 1 if best is None else min(best, 1)
            elif (q in name) if strict else all(w in name for w in words):
                best = 2 if best is None else best
        if best is not None:
            found.update((i, best) for i in groups[t])
    return found


_PLAYER_LINK = re.compile(r"/(video|serial)/(\d+)/")
_WORLDART_ID = re.compile(r"id=(\d+)")


def _id_matches(catalog, key, value):
    """Item indices whose external id `key` equals `value`."""
    items, titles = catalog.items, catalog.titles
    by_title = {
        "shikimori_id": ("shiki", titles.shiki), "kinopoisk_id": ("kp", titles.kp), "imdb_id": ("imdb", titles.imdb),
        "worldart_animation_id": ("worldart", titles.worldart), "worldart_link": ("worldart", titles.worldart),
    }
    if key == "id":
        return catalog.index_by("id", catalog.item_id).get(value, ())
    if key == "player_link":
        m = _PLAYER_LINK.search(value)
        item_id = m and ("movie-" if m.group(1) == "video" else "serial-") + m.group(2)
        return catalog.index_by("id", catalog.item_id).get(item_id, ())
    if key not in by_title:
        return ()  # mdl_id, worldart_cinema_id: the fake has no such materials
    if key == "worldart_link":
        m = _WORLDART_ID.search(value)
        value = m.group(1) if m else ""
    digits = value.removeprefix("tt")
    if not digits.isdigit():
        return ()
    name, column = by_title[key]
    return catalog.index_by(name, lambda i: column[items.title[i]]).get(int(digits), ())


def _has_episode(catalog, i, season, episode):
    """Does item i have `season` (and `episode` in it)? True when neither is asked."""
    if not season:
        return True
    t = catalog.items.title[i]
    first, count = catalog.titles.entry[t], catalog.titles.nseasons[t]
    if not season.isdigit() or not count or not first <= int(season) < first + count:
        return False
    last = int(season) == first + count - 1
    episodes = catalog.last_episode(i) if last else catalog.titles.eps[t]
    return not episode or episode.isdigit() and 1 <= int(episode) <= episodes


def _translation_priority(params):
    """Sort key of a translation under the (prioritize|unprioritize)_translations params."""
    def ids(name, default):
        value = params.get(name, default)
        return set() if value == "0" else set(csv(value))
    first, last = ids("prioritize_translations", "704,734"), ids("unprioritize_translations", "800,882,subtitles")
    kind = params.get("prioritize_translation_type", "voice")

    def key(team):
        team_id, _, team_type, _ = team
        return (str(team_id) not in first, str(team_id) in last or team_type in last, kind != "0" and team_type != kind)
    return key


# --- reference endpoints -----------------------------------------------------------------

def _genre_keys(catalog, i, t, params):
    kind = params.get("genres_type", "kinopoisk")
    kp = [n for bit, n in enumerate(KP_GENRES) if catalog.titles.genres[t] >> bit & 1]
    anime = [n for bit, n in enumerate(ANIME_GENRES) if catalog.titles.agenres[t] >> bit & 1]
    return {"kinopoisk": kp, "shikimori": anime, "all": kp + anime}.get(kind, [])


# path: (keys of one item, row builder, default sort, {sort: (row key, descending)}, kinopoisk-only)
REFERENCE = {
    "/translations/v2": (lambda c, i, t, p: [TEAMS[c.items.team[i]][:2]],
                         lambda key, n: {"id": key[0], "title": key[1], "count": n},
                         "title", {"title": ("title", False), "count": ("count", True)}, False),
    "/genres": (_genre_keys, lambda key, n: {"title": key, "count": n},
                "title", {"title": ("title", False), "count": ("count", True)}, True),
    "/countries": (lambda c, i, t, p: [COUNTRIES[c.titles.country[t]]], lambda key, n: {"title": key, "count": n},
                   "title", {"title": ("title", False), "count": ("count", True)}, True),
    "/years": (lambda c, i, t, p: [c.titles.year[t]], lambda key, n: {"year": key, "count": n},
               "year", {"year": ("year", True), "count": ("count", True)}, True),
    "/qualities/v2": (lambda c, i, t, p: [QUALITIES[c.items.quality[i]][0]], lambda key, n: {"title": key, "count": n},
                      "title", {"title": ("title", True), "count": ("count", True)}, True),
}


def reference(catalog, params, path):
    """Counts per translation / genre / country / year / quality over the filtered catalog."""
    keys_of, row, default_sort, sorts, kinopoisk_only = REFERENCE[path]
    sort_field, descending = sorts.get(params.get("sort"), sorts[default_sort])
    skip = ("translation_id",) if path == "/translations/v2" else ()
    match = compile_filters(catalog, params, skip)

    def build():
        counts, total = Counter(), 0
        titles_of, kp, flags = catalog.items.title, catalog.titles.kp, catalog.titles.flags
        for i in range(len(catalog.items)):
            t = titles_of[i]
            if kinopoisk_only and not (kp[t] and flags[t] & HAS_MATERIAL_DATA) or match and not match(i):
                continue
            total += 1
            counts.update(keys_of(catalog, i, t, params))
        rows = [row(key, n) for key, n in counts.items()]
        rows.sort(key=lambda r: r[sort_field], reverse=descending)
        return total, rows
    key = (path, filter_key(params, skip), params.get("genres_type"), sort_field)
    total, rows = catalog.cached(key, build)
    return Answer({"time": "0ms", "total": total, "results": list(rows)})


def _reference_endpoint(path):
    return lambda catalog, params, pairs, base_url: reference(catalog, params, path)


ENDPOINTS = {
    "/list": list_page,
    "/search": search,
    **{path: _reference_endpoint(path) for path in REFERENCE},
    # v1 endpoints answer bare arrays (API.md §2).
    "/translations": lambda c, p, pairs, b: Answer([{"id": t[0], "title": t[1], "type": t[2]} for t in TEAMS]),
    "/qualities": lambda c, p, pairs, b: Answer([{"title": q[0]} for q in QUALITIES]),
}

"""Request parameters of the fake Kodik API: parsing, validation and the filters of API.md §3.4.

`compile_filters(catalog, params)` turns the filter parameters of a request into one
predicate over item indices; each parameter is an entry of the FILTERS table.
"""

import base64
import binascii
import json

from .catalog import BLOCKED_COUNTRIES, HAS_MATERIAL_DATA, LGBT, SORT_FIELDS
from .vocab import ANIME_GENRES, ANIME_KINDS, COUNTRIES, KP_GENRES, QUALITIES, RATINGS, STATUSES, TEAMS, VALID_TYPES

# Kodik's error texts (API.md §6). The last three are not documented: the fake's own wording.
TOKEN_ERROR = "Отсутствует или неверный токен"
NO_SEARCH_KEY = "Не указан хотя бы один параметр для поиска"
BAD_TYPE = "Неправильный тип"
BAD_LIMIT = "Неправильный лимит"
BAD_CURSOR = "Неправильный параметр next"
BAD_SORT = "Неправильная сортировка"


class ApiError(Exception):
    """An application error: Kodik answers HTTP 500 with {"error": message}."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def flag(params, name):
    """A boolean parameter: Kodik spells them true/false."""
    return params.get(name, "").lower() == "true"


def csv(value):
    """A comma list parameter as a list of stripped, non-empty strings."""
    return [part.strip() for part in value.split(",") if part.strip()]


def limit(params, default):
    """`limit`: 1..100, larger values capped, smaller or non-numeric ones an error."""
    raw = params.get("limit")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(BAD_LIMIT) from None
    if value < 1:
        raise ApiError(BAD_LIMIT)
    return min(value, 100)


def sort_order(params):
    """(sort field, descending?) of a /list request."""
    sort, order = params.get("sort", "updated_at"), params.get("order", "desc")
    if sort not in SORT_FIELDS or order not in ("asc", "desc"):
        raise ApiError(BAD_SORT)
    return sort, order == "desc"


def seasons_mode(params):
    """Which `seasons` shape the with_* flags (or season/episode) ask for, or None."""
    if flag(params, "with_episodes_data"):
        return "episodes_data"
    if flag(params, "with_episodes") or params.get("episode"):
        return "episodes"
    if flag(params, "with_seasons") or params.get("season"):
        return "seasons"
    return None


def encode_cursor(value, item_id):
    """Kodik's `next` cursor: base64 of compact JSON [sort value, id] (API.md §4)."""
    raw = json.dumps([value, item_id], separators=(",", ":")).encode()
    return base64.b64encode(raw).decode("ascii")


def decode_cursor(cursor):
    """(sort value, id) from a `next`/`prev` cursor, or ApiError."""
    try:
        value, item_id = json.loads(base64.b64decode(cursor, validate=True))
    except (ValueError, TypeError, binascii.Error):
        raise ApiError(BAD_CURSOR) from None
    if not isinstance(item_id, str) or not isinstance(value, (int, float)):
        raise ApiError(BAD_CURSOR)
    return value, item_id


def _numbers(value):
    """Set of ints, or (low, high) range, from `2020`, `1982,2020` or `12-16`."""
    if "-" in value:
        low, high = value.split("-", 1)
        return float(low), float(high)
    return {float(v) for v in csv(value)}


def _in(spec, number):
    if isinstance(spec, tuple):
        return spec[0] <= number <= spec[1]
    return number in spec


def _types(catalog, value):
    names = csv(value)
    if any(name not in VALID_TYPES for name in names):
        raise ApiError(BAD_TYPE)
    wanted = {VALID_TYPES.index(name) for name in names}
    column = catalog.titles.type
    return lambda i, t: column[t] in wanted


def _year(catalog, value):
    spec = _numbers(value)
    return lambda i, t: _in(spec, catalog.titles.year[t])


def _translation_id(catalog, value, keep=True):
    wanted = {int(v) for v in csv(value) if v.isdigit()}
    team = catalog.items.team
    return lambda i, t: (TEAMS[team[i]][0] in wanted) == keep


def _translation_type(catalog, value):
    team = catalog.items.team
    return lambda i, t: TEAMS[team[i]][2] == value


def _bool_field(getter):
    def build(catalog, value):
        want = value.lower() == "true"
        return lambda i, t: getter(catalog, i, t) == want
    return build


_HAS = {
    "kinopoisk_id": lambda c, i, t: c.titles.kp[t] != 0,
    "imdb_id": lambda c, i, t: c.titles.imdb[t] != 0,
    "mdl_id": lambda c, i, t: False,
    "worldart_link": lambda c, i, t: c.titles.worldart[t] != 0,
    "shikimori_id": lambda c, i, t: c.titles.shiki[t] != 0,
}


def _has_field(combine):
    def build(catalog, value):
        checks = [_HAS[name] for name in csv(value) if name in _HAS]
        return lambda i, t: combine(check(catalog, i, t) for check in checks)
    return build


def _not_blocked_in(catalog, value):
    blocked = catalog.items.block
    countries = set(csv(value))
    return lambda i, t: not (blocked[i] & BLOCKED_COUNTRIES and "UA" in countries)


def _metadata(values_of, combine=any):
    """A material_data filter: titles without material_data never match."""
    def build(catalog, value):
        wanted = set(csv(value))
        flags = catalog.titles.flags

        def match(i, t):
            if not flags[t] & HAS_MATERIAL_DATA:
                return False
            have = values_of(catalog, t)
            return combine(name in have for name in wanted)
        return match
    return build


def _names(table, column):
    return lambda c, t: {name for bit, name in enumerate(table) if getattr(c.titles, column)[t] >> bit & 1}


def _status(c, t):
    return {STATUSES[c.titles.status[t]]} if c.type_name_of_title(t) in ANIME_KINDS else set()


def _anime_kind(c, t):
    kinds = ANIME_KINDS.get(c.type_name_of_title(t))
    return {kinds[c.titles.akind[t]]} if kinds else set()


def _rating(c, t):
    index = c.titles.rating[t]
    return {RATINGS[index][0]} if index < len(RATINGS) else set()


def _range_filter(number_of, single_is_minimum=False):
    """`7.0` or `6.5-8.2` style filters; a single rating means "at least", a single age exactly."""
    def build(catalog, value):
        spec = _numbers(value)
        if single_is_minimum and isinstance(spec, set):
            spec = (min(spec), float("inf"))

        def match(i, t):
            number = number_of(catalog, t)
            return number is not None and _in(spec, number)
        return match
    return build


def _minimal_age(c, t):
    index = c.titles.rating[t]
    return RATINGS[index][1] if index < len(RATINGS) else None


def _duration(c, t):
    return c.titles.duration[t]


def _score(column):
    return lambda c, t: getattr(c.titles, column)[t] / 100 or None


_kp_genres = _names(KP_GENRES, "genres")
_anime_genres = _names(ANIME_GENRES, "agenres")


def _all_genres(c, t):
    return _kp_genres(c, t) | _anime_genres(c, t)


def _countries(c, t):
    return {COUNTRIES[c.titles.country[t]]}


FILTERS = {
    "types": _types,
    "year": _year,
    "translation_id": _translation_id,
    "block_translations": lambda c, v: _translation_id(c, v, keep=False),
    "translation_type": _translation_type,
    "camrip": _bool_field(lambda c, i, t: QUALITIES[c.items.quality[i]][0] == "CAMRip"),
    "lgbt": _bool_field(lambda c, i, t: bool(c.titles.flags[t] & LGBT)),
    "has_field": _has_field(any),
    "has_field_and": _has_field(all),
    "not_blocked_in": _not_blocked_in,
    "genres": _metadata(_kp_genres), "genres_and": _metadata(_kp_genres, all),
    "anime_genres": _metadata(_anime_genres), "anime_genres_and": _metadata(_anime_genres, all),
    "all_genres": _metadata(_all_genres), "all_genres_and": _metadata(_all_genres, all),
    "countries": _metadata(_countries), "countries_and": _metadata(_countries, all),
    "anime_kind": _metadata(_anime_kind),
    "anime_status": _metadata(_status), "all_status": _metadata(_status),
    "rating_mpaa": _metadata(_rating),
    "minimal_age": _range_filter(_minimal_age),
    "duration": _range_filter(_duration),
    "kinopoisk_rating": _range_filter(_score("kp_rating"), single_is_minimum=True),
    "imdb_rating": _range_filter(_score("imdb_rating"), single_is_minimum=True),
    "shikimori_rating": _range_filter(_score("shiki_rating"), single_is_minimum=True),
}


def filter_key(params, skip=()):
    """A hashable key of the filter parameters of a request (for cached totals)."""
    return tuple(sorted((k, v) for k, v in params.items() if k in FILTERS and k not in skip))


def compile_filters(catalog, params, skip=()):
    """One predicate `match(i)` for all filter parameters in `params`, or None if there are none."""
    checks = []
    for name, value in params.items():
        if name in FILTERS and name not in skip:
            try:
                checks.append(FILTERS[name](catalog, value))
            except ValueError:
                checks.append(lambda i, t: False)  # an unreadable value matches nothing
    if not checks:
        return None
    titles_of = catalog.items.title

    def match(i):
        t = titles_of[i]
        return all(check(i, t) for check in checks)
    return match

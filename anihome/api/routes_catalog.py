"""The catalog over the API: releases (the same filters and sorts as the browse page), one
release, its episodes per translation, search, autocomplete, genres, studios, translation
teams and the airing calendar. Every answer respects the caller's age cap; read-mostly
answers are cached as JSON text under the "catalog" tag (dropped after a sync)."""
from __future__ import annotations

import json

from flask import Response, current_app, request

from ..dates import iso_utc
from ..cache import get_cache
from ..catalog import cached
from ..catalog import calendar as calendar_service
from ..catalog import search as search_service
from ..catalog.agecap import cap_of
from ..catalog.filters import FILTERS, SORT_NAMES, TRANSLATION_TYPES
from ..catalog.params import DEFAULT_PER_PAGE, parse_browse
from ..catalog.releases import pick_translation
from ..catalog.search import AUTOCOMPLETE_LIMIT, MAX_QUERY, clean_query
from ..catalog.titles import mode_of, with_display_titles
from ..clock import utcnow
from ..social import ranking
from ..social.reviews import household_score
from ..models.catalog import KINDS, STATUSES
from .auth import current_api_user
from .blueprint import api_route
from .pagination import pagination_params, parse_pagination
from .params import parse_bool, parse_int
from .spec import array, boolean, datetime_string, integer, obj, page_of, query, ref, string

DISPLAY_TITLE = ("The title in the caller's title language (account page: Russian, romaji or English), "
                 "else the next one that exists.")
CARD_PROPS = {
    "id": integer(), "title": string("Russian title."), "title_orig": string("Original or romaji title."),
    "title_en": string(), "display_title": string(DISPLAY_TITLE),
    "kind": string(enum=KINDS + ("",)), "status": string(enum=STATUSES + ("",)),
    "year": integer(nullable=True), "rating": {"type": "number", "nullable": True},
    "votes": integer(), "poster_url": string(), "age_limit": integer("Minimum age; null when unknown.", nullable=True),
    "episodes_aired": integer(nullable=True), "episodes_total": integer(nullable=True),
    "next_episode_at": datetime_string(nullable=True),
}
NAMED = obj({"id": integer(), "name": string(), "slug": string()}, required=["id", "name", "slug"])

SCHEMAS = {
    "ReleaseCard": obj({**CARD_PROPS, "household_score": {
        "allOf": [ref("HouseholdScore")],
        "description": "Only with sort=household: the household's mean review score and count."}},
        required=["id", "title", "kind", "status", "year", "poster_url"]),
    "ReleaseDetail": obj({
        **CARD_PROPS,
        "other_titles": array(string()), "description": string(), "duration": integer(nullable=True),
        "rating_mpaa": string(), "minimal_age": integer(nullable=True),
        "aired_on": string(format="date", nullable=True), "released_on": string(format="date", nullable=True),
        "franchise": string(), "shikimori_id": string(nullable=True), "kinopoisk_id": string(nullable=True),
        "imdb_id": string(nullable=True), "updated_at": datetime_string(nullable=True),
        "ratings": array(obj({"source": string(enum=["shikimori", "kinopoisk", "imdb"]),
                              "rating": {"type": "number"}, "votes": integer(nullable=True)})),
        "genres": array(NAMED), "studios": array(NAMED),
        "translations": array(ref("CatalogTranslation")),
        "franchise_releases": array(ref("ReleaseCard")),
        "household_score": {"allOf": [ref("HouseholdScore")], "nullable": True,
                            "description": "The household's reviews: mean score and count; null without reviews."},
    }, required=["id", "title", "genres", "studios", "translations", "household_score"]),
    "CatalogTranslation": obj({
        "id": integer("Use it as ?translation= for episodes and the player."),
        "title": string("The translation team."), "team_id": integer("Kodik's translation id."),
        "type": string(enum=TRANSLATION_TYPES), "quality": string(),
        "episodes_count": integer(nullable=True), "last_season": integer(nullable=True),
        "last_episode": integer(nullable=True), "is_movie": boolean(), "camrip": boolean(),
        "blocked_seasons": {"description": "\"all\", or season -> \"all\" | [episode, ...]."},
        "updated_at": datetime_string(nullable=True),
    }, required=["id", "title", "type", "episodes_count", "is_movie"]),
    "CatalogEpisode": obj({
        "id": integer("The episode's own id (for progress)."), "title": string(),
        "season": integer(), "number": integer(), "blocked": boolean("Blocked by the right holder."),
    }, required=["id", "title", "season", "number"]),
    "ReleaseEpisodes": obj({
        "release_id": integer(), "translation": ref("CatalogTranslation"),
        "items": array(ref("CatalogEpisode")),
    }, required=["release_id", "translation", "items"]),
    "Suggestion": obj({
        "id": integer(), "title": string(), "title_orig": string(), "title_en": string(),
        "display_title": string(DISPLAY_TITLE),
        "year": integer(nullable=True), "kind": string(), "poster_url": string(),
    }, required=["id", "title"]),
    "Suggestions": obj({"items": array(ref("Suggestion"))}, required=["items"]),
    "NamedList": obj({"items": array(obj({
        "id": integer(), "title": string(), "slug": string(), "count": integer(),
    }, required=["id", "title", "slug", "count"]))}, required=["items"]),
    "TranslationTeams": obj({"items": array(obj({
        "id": integer("Kodik's translation id: the team filter of /releases."), "title": string(),
        "type": string(enum=TRANSLATION_TYPES), "count": integer("Releases carrying it."),
    }, required=["id", "title", "type", "count"]))}, required=["items"]),
    "CalendarItems": obj({
        "timezone": string("The household's time zone."),
        "items": array(obj({"id": integer("The release id."), "title": string(),
                            "release": ref("ReleaseCard"), "at": datetime_string(),
                            "episode": integer("The episode due next, when known.", nullable=True)},
                           required=["id", "title", "release", "at", "episode"])),
    }, required=["timezone", "items"]),
}

def _filter_param(name: str, doc: dict) -> dict:
    """A browse filter's query parameter: a scalar, or an array with its style (filters._list_doc)."""
    if doc["type"] != "array":
        return query(name, doc["type"], doc["description"],
                     **{k: v for k, v in doc.items() if k not in ("type", "description")})
    return {"name": name, "in": "query", "required": False, "description": doc["description"],
            "style": doc["style"], "explode": doc["explode"],
            "schema": {"type": "array", "items": doc["items"]}}


FILTER_PARAMS = [
    *(_filter_param(name, declared.doc) for name, declared in FILTERS.items()),
    query("sort", "string", "Order of the list.", enum=SORT_NAMES, default=SORT_NAMES[0]),
]
Q_PARAM = query("q", "string", "Any title (Russian, original, English), any case; ё = е.",
                required=True, max_length=MAX_QUERY)


def _cap():
    return cap_of(current_api_user())


def _mode() -> str:
    """The caller's title language (``display_title`` of release-shaped answers)."""
    return mode_of(current_api_user())


def _json(key: str, compute, ttl: float | None = None) -> Response:
    """A JSON answer cached as encoded text (per age cap and title language) under the
    "catalog" tag; release-shaped parts carry ``display_title``."""
    mode = _mode()
    body = get_cache(current_app).get_or_set(
        f"catalog:api:{key}:{_cap()}:{mode}",
        lambda: json.dumps(with_display_titles(compute(), mode), ensure_ascii=False,
                           separators=(",", ":")).encode(),
        ttl=ttl, tags=("catalog",))
    return Response(body, mimetype="application/json")


@api_route("/releases", summary="Releases, filtered, sorted and paginated (as the browse page)",
           tags=["catalog"], params=FILTER_PARAMS + pagination_params(DEFAULT_PER_PAGE),
           responses={200: page_of(ref("ReleaseCard"))}, endpoint="catalog_releases")
def releases():
    """One page of releases; the query string is the same as the browse page's."""
    if request.args.get("sort") == ranking.SORT:  # from the household's reviews: never cached
        return Response(json.dumps(with_display_titles(ranking.browse(parse_browse(request.args), _cap()), _mode()),
                                   ensure_ascii=False),
                        mimetype="application/json")
    # Keyed by the raw query string, so a cached page costs no parsing; a bad parameter
    # raises inside the lambda (400) and nothing is stored.
    return _json("releases:" + request.query_string.decode("latin-1"),
                 lambda: cached.browse(get_cache(current_app), parse_browse(request.args), _cap()))


def _release_json(release_id: int) -> dict:
    page = cached.release_page(get_cache(current_app), release_id, _cap(), None)
    return dict(page["release"], translations=page["translations"],
                franchise_releases=page["franchise"])


@api_route("/releases/<int:release_id>", summary="One release with genres, studios and translations",
           tags=["catalog"], responses={200: ref("ReleaseDetail")}, endpoint="catalog_release")
def release(release_id: int):
    """A release's details; 404 when it does not exist or is above the caller's age cap.

    The cached catalog part is joined with the household score, cached apart under the
    "social" tag (dropped by ``social_changed``) so a new review shows at once without dropping
    the catalog cache."""
    response = _json(f"release:{release_id}", lambda: _release_json(release_id))
    score = get_cache(current_app).get_or_set(
        f"social:score:{release_id}", lambda: json.dumps(household_score(release_id), separators=(",", ":")).encode(),
        tags=("social",), guarded=True)
    response.set_data(response.get_data()[:-1] + b',"household_score":' + score + b"}")
    return response


@api_route("/releases/<int:release_id>/episodes", summary="Episodes of one translation of a release",
           tags=["catalog"], params=[query("translation", "integer",
                                           "Translation id (default: the first offered).", minimum=1)],
           responses={200: ref("ReleaseEpisodes")}, endpoint="catalog_release_episodes")
def release_episodes(release_id: int):
    """Each episode (with its own id) of the chosen translation, by season and number."""
    translation_id = parse_int(request.args, "translation", minimum=1, maximum=2**31)

    def build():
        page = cached.release_page(get_cache(current_app), release_id, _cap(), translation_id)
        chosen = pick_translation(page["translations"], translation_id)
        if chosen is None:
            return {"release_id": release_id, "translation": None, "items": []}
        return {"release_id": release_id, "translation": chosen,
                "items": [episode for season in page["seasons"] for episode in season["episodes"]]}

    return _json(f"episodes:{release_id}:{translation_id}", build)


@api_route("/search", summary="Search releases by any title, best matches first", tags=["catalog"],
           params=[Q_PARAM] + pagination_params(DEFAULT_PER_PAGE),
           responses={200: page_of(ref("ReleaseCard"))}, endpoint="catalog_search")
def search():
    """Exact titles first, then titles starting with q, then other matches; popularity breaks ties."""
    page, per_page = parse_pagination(request.args, DEFAULT_PER_PAGE)
    q = request.args.get("q")
    return _json(f"search:{page}:{per_page}:{clean_query(q)}",
                 lambda: search_service.search(q, _cap(), page, per_page), ttl=cached.SEARCH_TTL)


@api_route("/autocomplete", summary=f"At most {AUTOCOMPLETE_LIMIT} title suggestions for a search box",
           tags=["catalog"], params=[Q_PARAM], responses={200: ref("Suggestions")}, endpoint="catalog_autocomplete")
def autocomplete():
    """Suggestions as the member types (1-2 characters match title starts)."""
    q = request.args.get("q")
    return _json(f"autocomplete:{clean_query(q)}",
                 lambda: {"items": search_service.autocomplete(q, _cap())}, ttl=cached.SEARCH_TTL)


def _named(rows):
    return {"items": [{"id": r["id"], "title": r["name"], "slug": r["slug"], "count": r["count"]}
                      for r in rows]}


@api_route("/genres", summary="Genres with their release counts", tags=["catalog"],
           responses={200: ref("NamedList")}, endpoint="catalog_genres")
def genres():
    """Every genre (use ``slug`` as the genre filter)."""
    return _json("genres", lambda: _named(cached.facets(get_cache(current_app), _cap())["genres"]))


@api_route("/studios", summary="Studios with their release counts", tags=["catalog"],
           responses={200: ref("NamedList")}, endpoint="catalog_studios")
def studios():
    """Every studio (use ``slug`` as the studio filter)."""
    return _json("studios", lambda: _named(cached.facets(get_cache(current_app), _cap())["studios"]))


@api_route("/translations", summary="Translation teams (voice-over and subtitles)", tags=["catalog"],
           responses={200: ref("TranslationTeams")}, endpoint="catalog_translations")
def translations():
    """Every translation team (use ``id`` as the team filter)."""
    return _json("translations", lambda: {"items": cached.facets(get_cache(current_app), _cap())["teams"]})


@api_route("/calendar", summary="Next episodes airing this week and next", tags=["catalog"],
           params=[query("mine", "boolean", "Only releases on my lists (watching, planned, on hold, "
                                            "rewatching).", default=False)],
           responses={200: ref("CalendarItems")}, endpoint="catalog_calendar")
def calendar():
    """Releases whose next episode airs in the two-week window, soonest first (UTC times)."""
    tz = current_app.config["TIMEZONE"]
    if parse_bool(request.args, "mine", default=False):
        user = current_api_user()
        items = calendar_service.upcoming(_cap(), utcnow(), tz,
                                          release_ids=calendar_service.followed_release_ids(user.id))
    else:
        items = cached.upcoming(get_cache(current_app), _cap(), utcnow(), tz)
    return with_display_titles({"timezone": tz, "items": [
        {"id": item["release"]["id"], "title": item["release"]["title"], "release": item["release"],
         "at": iso_utc(item["at"]), "episode": item["episode"]}
        for item in items]}, _mode())


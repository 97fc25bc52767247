"""The member's own watching data over the API: progress, continue watching, history,
list entries and favorites. Every route works on the caller's own data only: a token
reads and writes its member's rows and nobody else's (ids of others' rows answer 404)."""
from __future__ import annotations

from flask import jsonify, request

from ..errors import AppError
from ..library import continue_watching, episodes, favorites, history, lists, progress
from ..library import serialize as shape
from ..models.library import LIST_STATUSES
from .auth import current_api_user
from .blueprint import api_route
from .routes_catalog import DISPLAY_TITLE
from .serialize import titled
from .pagination import page_body, parse_pagination, pagination_params
from .params import get_json, parse_bool, parse_enum, parse_int
from .spec import (array, boolean, datetime_string, integer, obj, page_of, query, ref, string)

NUMBER = {"type": "number", "minimum": 0, "maximum": progress.MAX_SECONDS}

SCHEMAS = {
    "ReleaseRef": obj({
        "id": integer(), "title": string("Russian title."), "title_orig": string("Original or romaji title."),
        "title_en": string("English title (may be empty)."), "display_title": string(DISPLAY_TITLE),
        "kind": string(), "year": integer(nullable=True),
        "poster_url": string(), "shikimori_id": string("The MyAnimeList id.", nullable=True),
        "episodes_total": integer(nullable=True),
    }, required=["id", "title"]),
    "Progress": obj({
        "release_id": integer(), "translation_id": integer(nullable=True),
        "season": integer(), "episode": integer(),
        "position": dict(NUMBER, description="Seconds into the episode."),
        "duration": dict(NUMBER, nullable=True), "watched": boolean(),
        "watched_at": datetime_string(nullable=True), "updated_at": datetime_string(),
    }, required=["release_id", "season", "episode", "position", "watched", "updated_at"]),
    "ProgressUpdate": obj({
        "episode_id": integer("An Episode id (from the catalog).", minimum=1),
        "translation_id": integer("Instead of episode_id: the translation, with season and episode.",
                                  minimum=1),
        "season": integer(minimum=0), "episode": integer(minimum=1),
        "position": dict(NUMBER, description="Seconds into the episode."),
        "duration": dict(NUMBER, nullable=True, description="Length of the episode in seconds."),
        "watched": boolean("true marks the episode watched (the player's end event); false clears it."),
    }, required=["position"], description="Name the episode by episode_id, or by translation_id + "
                                          "season + episode (movies: translation_id alone)."),
    "ProgressSaved": obj({
        "progress": ref("Progress"),
        "completed_now": boolean("This save completed the episode (first time or a rewatch)."),
        "list_entry": {"allOf": [ref("ListEntry")], "nullable": True},
    }, required=["progress", "completed_now", "list_entry"]),
    "ReleaseProgress": obj({
        "release_id": integer(), "items": array(ref("Progress")),
        "next_up": {"allOf": [ref("ContinueItem")], "nullable": True},
    }, required=["release_id", "items", "next_up"]),
    "ContinueItem": obj({
        "release_id": integer(), "title": string(), "title_orig": string(), "title_en": string(),
        "display_title": string(DISPLAY_TITLE), "poster_url": string(),
        "translation_id": integer(), "season": integer(), "episode": integer(),
        "kind": string(enum=["resume", "next"]), "position": integer("Start here (seconds)."),
        "duration": {"type": "number", "nullable": True}, "percent": integer(minimum=0, maximum=100),
        "updated_at": datetime_string(), "url": string("The player page."),
    }, required=["release_id", "title", "translation_id", "season", "episode", "kind", "position",
                 "percent", "updated_at", "url"]),
    "ContinueHide": obj({"days": integer("Snooze for this many days; without it, remove until "
                                         "the release is watched again.", minimum=1,
                                         maximum=continue_watching.MAX_SNOOZE_DAYS)}),
    "HistoryEvent": obj({
        "id": integer(), "release": ref("ReleaseRef"), "translation_id": integer(nullable=True),
        "season": integer(), "episode": integer(), "started_at": datetime_string(),
        "ended_at": datetime_string(), "position": {"type": "number"},
        "duration": {"type": "number", "nullable": True}, "completed": boolean(),
    }, required=["id", "release", "season", "episode", "started_at", "ended_at", "completed"]),
    "ListEntry": obj({
        "release": ref("ReleaseRef"), "status": string(enum=LIST_STATUSES),
        "score": integer(minimum=1, maximum=10, nullable=True),
        "rewatch_count": integer(minimum=0), "episodes_watched": integer(minimum=0),
        "manual": boolean("Set by the member: automatic transitions leave it alone."),
        "started_on": string(format="date", nullable=True),
        "finished_on": string(format="date", nullable=True), "notes": string(),
        "created_at": datetime_string(), "updated_at": datetime_string(),
    }, required=["release", "status", "score", "rewatch_count", "episodes_watched", "manual"]),
    "ListEntryUpdate": obj({
        "status": string(enum=LIST_STATUSES), "score": integer(minimum=1, maximum=10, nullable=True),
        "rewatch_count": integer(minimum=0), "episodes_watched": integer(minimum=0),
        "manual": boolean("false hands the entry back to automatic transitions."),
        "started_on": string(format="date", nullable=True),
        "finished_on": string(format="date", nullable=True), "notes": string(maxLength=2000),
    }, description="A new entry needs a status."),
    "Favorite": obj({"release": ref("ReleaseRef"), "created_at": datetime_string()},
                    required=["release", "created_at"]),
}


def me() -> int:
    return current_api_user().id


# ---------------------------------------------------------------- progress

@api_route("/progress", methods=["PUT"], tags=["progress"], summary="Save my place in an episode",
           description="Called by the player every ~15 s and on pause, end and page hide. At 90 % "
                       "of the duration (or with watched=true) the episode counts as watched and "
                       "the release's list status follows (see docs/library.md).",
           body=ref("ProgressUpdate"), responses={200: ref("ProgressSaved")})
def progress_put():
    """Record the caller's position in one episode."""
    data = get_json(allowed={"episode_id", "translation_id", "season", "episode", "position",
                             "duration", "watched"})
    if "position" not in data:
        raise AppError("position is required.", "position")
    ref_ = episodes.resolve(data.get("episode_id"), data.get("translation_id"),
                            data.get("season"), data.get("episode"))
    result = progress.save(me(), ref_, data["position"], data.get("duration"),
                           data.get("watched"))
    entry = result.list_entry
    return jsonify(titled({"progress": shape.progress(result.progress), "completed_now": result.completed_now,
                           "list_entry": shape.list_entry(entry) if entry is not None else None}))


@api_route("/progress", methods=["GET"], tags=["progress"], summary="My progress in one release",
           params=[query("release_id", "integer", "The release.", required=True, minimum=1)],
           responses={200: ref("ReleaseProgress")})
def progress_get():
    """The caller's progress on every episode of a release, and where they go on."""
    release = lists.release_for(me(), parse_int(request.args, "release_id", required=True, minimum=1))
    item = continue_watching.next_up(me(), release.id, release)
    return jsonify(titled({"release_id": release.id,
                           "items": [shape.progress(r) for r in progress.for_release(me(), release.id)],
                           "next_up": shape.continue_item(item) if item else None}))


@api_route("/continue-watching", methods=["GET"], tags=["progress"],
           summary="My continue-watching row",
           params=[query("limit", "integer", "How many items.", minimum=1, maximum=50, default=12)],
           responses={200: obj({"items": array(ref("ContinueItem"))}, required=["items"])})
def continue_list():
    """What the caller left part-way, or the next episode, most recent first."""
    limit = parse_int(request.args, "limit", default=12, minimum=1, maximum=50)
    return jsonify(titled({"items": [shape.continue_item(i) for i in continue_watching.for_user(me(), limit)]}))


@api_route("/continue-watching/<int:release_id>/hide", methods=["POST"], tags=["progress"],
           summary="Remove or snooze a release in my continue-watching row",
           body=ref("ContinueHide"), body_required=False, responses={204: "Hidden."})
def continue_hide(release_id: int):
    """Hide a release until it is watched again, or for ``days``."""
    data = get_json(required=False, allowed={"days"})
    days = parse_int(data, "days", minimum=1, maximum=continue_watching.MAX_SNOOZE_DAYS)
    continue_watching.hide(me(), release_id, days=days)
    return "", 204


# ---------------------------------------------------------------- history

@api_route("/history", methods=["GET"], tags=["history"], summary="My watch history, newest first",
           params=pagination_params() + [query("release_id", "integer", "Only this release.", minimum=1)],
           responses={200: page_of(ref("HistoryEvent"))})
def history_list():
    """The caller's viewing sessions, newest first."""
    release_id = parse_int(request.args, "release_id", minimum=1)
    page, per_page = parse_pagination(request.args)
    rows, total = history.page(me(), page, per_page, release_id)
    return jsonify(titled(page_body((shape.history_event(e) for e in rows), total, page, per_page)))


@api_route("/history/<int:event_id>", methods=["DELETE"], tags=["history"],
           summary="Delete one entry of my history", responses={204: "Deleted."})
def history_delete(event_id: int):
    """Delete one of the caller's history entries."""
    history.delete(me(), event_id)
    return "", 204


@api_route("/history", methods=["DELETE"], tags=["history"], summary="Clear all my history",
           params=[query("confirm", "boolean", "Must be true.", required=True)],
           responses={200: obj({"deleted": integer()}, required=["deleted"])})
def history_clear():
    """Delete every history entry of the caller (progress and lists stay)."""
    if parse_bool(request.args, "confirm", required=True) is not True:
        raise AppError("Send confirm=true to clear all history.", "confirm")
    return jsonify({"deleted": history.clear(me())})


# ---------------------------------------------------------------- lists

@api_route("/lists", methods=["GET"], tags=["lists"], summary="My list entries",
           params=pagination_params() + [
               query("status", "string", "Only this status.", enum=LIST_STATUSES),
               query("sort", "string", "Order.", enum=["updated", "title", "score"], default="updated")],
           responses={200: page_of(ref("ListEntry"))})
def lists_list():
    """The caller's list entries, optionally one status."""
    status = parse_enum(request.args, "status", LIST_STATUSES)
    sort = parse_enum(request.args, "sort", ("updated", "title", "score"), default="updated")
    page, per_page = parse_pagination(request.args)
    rows = lists.entries(me(), status, per_page, (page - 1) * per_page, sort)
    return jsonify(titled(page_body((shape.list_entry(e) for e in rows), lists.count(me(), status), page,
                                    per_page)))


@api_route("/lists/<int:release_id>", methods=["GET"], tags=["lists"],
           summary="My list entry for one release", responses={200: ref("ListEntry")})
def lists_get(release_id: int):
    """The caller's entry for a release (404 when it is not on their lists)."""
    return jsonify(titled(shape.list_entry(lists.own_entry(me(), release_id))))


@api_route("/lists/<int:release_id>", methods=["PUT"], tags=["lists"],
           summary="Create or change my list entry for one release",
           description="Setting status marks the entry as set by hand (manual) unless manual is "
                       "given; 201 when the entry is new.",
           body=ref("ListEntryUpdate"),
           responses={200: ref("ListEntry"), 201: ("Created.", ref("ListEntry"))})
def lists_put(release_id: int):
    """Create or update the caller's entry for a release."""
    data = get_json(allowed=set(lists.EDITABLE))
    created = lists.get_entry(me(), release_id) is None
    entry = lists.set_entry(me(), release_id, data)
    return jsonify(titled(shape.list_entry(entry))), 201 if created else 200


@api_route("/lists/<int:release_id>", methods=["DELETE"], tags=["lists"],
           summary="Take a release off my lists", responses={204: "Deleted."})
def lists_delete(release_id: int):
    """Delete the caller's entry for a release."""
    lists.delete_entry(me(), release_id)
    return "", 204


# ---------------------------------------------------------------- favorites

@api_route("/favorites", methods=["GET"], tags=["favorites"], summary="My favorites, newest first",
           params=pagination_params(), responses={200: page_of(ref("Favorite"))})
def favorites_list():
    """The caller's favorites."""
    page, per_page = parse_pagination(request.args)
    rows = favorites.listing(me(), per_page, (page - 1) * per_page)
    return jsonify(titled(page_body((shape.favorite(f) for f in rows), favorites.count(me()), page, per_page)))


@api_route("/favorites/<int:release_id>", methods=["PUT"], tags=["favorites"],
           summary="Add a favorite (idempotent)", responses={200: ref("Favorite")})
def favorites_put(release_id: int):
    """Mark a release as the caller's favorite."""
    return jsonify(titled(shape.favorite(favorites.add(me(), release_id))))


@api_route("/favorites/<int:release_id>", methods=["DELETE"], tags=["favorites"],
           summary="Remove a favorite", responses={204: "Removed."})
def favorites_delete(release_id: int):
    """Unmark a favorite."""
    favorites.remove(me(), release_id)
    return "", 204

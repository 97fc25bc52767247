"""Notifications and subscriptions over the API: the caller's own only."""
from __future__ import annotations

from flask import current_app, jsonify, request

from ..cache import get_cache
from ..models.notify import NOTIFICATION_KINDS
from ..notify import inbox, subscriptions
from ..notify.render import episode_numbers
from ..web.templating import current_language
from .auth import current_api_user
from .blueprint import api_route
from .pagination import page_body, pagination_params, parse_pagination
from .params import get_json, parse_bool
from .serialize import iso
from .spec import array, boolean, datetime_string, integer, obj, page_of, query, ref, string

SCHEMAS = {
    "Notification": obj({
        "id": integer(), "kind": string(enum=NOTIFICATION_KINDS),
        "release_id": integer(nullable=True), "translation_id": integer("The dub, when there is one.", nullable=True),
        "season": integer(nullable=True), "episodes": array(integer()),
        "read": boolean(), "created_at": datetime_string(),
        "title": string("What it is about, in the caller's language."), "body": string(),
        "link": string("A path on this site to open (the episode's player page for new episodes)."),
    }, required=["id", "kind", "release_id", "translation_id", "episodes", "read", "created_at"]),
    "NotificationsRead": obj({
        "ids": array(integer(minimum=1)), "all": boolean("true marks every notification read."),
    }, description='Either {"ids": [...]} or {"all": true}.'),
    "Subscription": obj({
        "release_id": integer(), "title": string(),
        "translations": {"type": "array", "items": integer(), "nullable": True,
                         "description": "The followed dubs; null means every dub."},
        "created_at": datetime_string(),
    }, required=["release_id", "translations", "created_at"]),
    "SubscriptionPut": obj({
        "translations": {"type": "array", "items": integer(minimum=1), "nullable": True,
                         "description": "Ids of this release's dubs to follow; null (or absent) for every dub."},
    }),
}


def me() -> int:
    return current_api_user().id


def notification_json(item) -> dict:
    n = item.note
    return {"id": n.id, "kind": n.kind, "release_id": n.release_id, "translation_id": n.translation_id,
            "season": n.season, "episodes": episode_numbers(n), "read": n.read, "created_at": iso(n.created_at),
            "title": item.text.title, "body": item.text.body, "link": item.text.link}


def subscription_json(sub) -> dict:
    return {"release_id": sub.release_id, "title": sub.release.title, "translations": sub.translation_ids,
            "created_at": iso(sub.created_at)}


@api_route("/notifications", methods=["GET"], tags=["notifications"], summary="My notifications, newest first",
           params=[query("unread", "boolean", "Only unread ones."), *pagination_params()],
           responses={200: page_of(ref("Notification"))})
def notifications_list():
    """The caller's notifications, newest first, one page."""
    unread = parse_bool(request.args, "unread", default=False)
    page, per_page = parse_pagination(request.args)
    items = inbox.page(me(), unread, per_page, (page - 1) * per_page, current_language())
    return jsonify(page_body((notification_json(i) for i in items), inbox.count(me(), unread), page, per_page))


@api_route("/notifications/unread-count", methods=["GET"], tags=["notifications"],
           summary="How many of my notifications are unread",
           responses={200: obj({"unread": integer(minimum=0)}, required=["unread"])})
def notifications_unread_count():
    """The bell's number (through the app cache, which marking read and syncs keep honest)."""
    return jsonify({"unread": inbox.cached_unread(get_cache(current_app), me())})


@api_route("/notifications/read", methods=["POST"], tags=["notifications"], summary="Mark notifications read",
           body=ref("NotificationsRead"), responses={200: obj({"updated": integer(minimum=0)}, required=["updated"])})
def notifications_read():
    """Mark the given notifications, or all of them, read."""
    data = get_json(allowed={"ids", "all"})
    everything = parse_bool(data, "all", default=False)
    if not everything and "ids" not in data:
        from ..errors import AppError

        raise AppError('Send {"ids": [...]} or {"all": true}.', "ids")
    return jsonify({"updated": inbox.mark_read(me(), data.get("ids"), everything=everything)})


@api_route("/notifications/<int:notification_id>", methods=["DELETE"], tags=["notifications"],
           summary="Delete one of my notifications", responses={204: "Deleted."})
def notifications_delete(notification_id: int):
    inbox.delete(me(), notification_id)
    return "", 204


@api_route("/subscriptions", methods=["GET"], tags=["notifications"], summary="Releases I follow",
           params=pagination_params(), responses={200: page_of(ref("Subscription"))})
def subscriptions_list():
    """The caller's follows, newest first."""
    page, per_page = parse_pagination(request.args)
    rows = subscriptions.for_user(me(), per_page, (page - 1) * per_page)
    return jsonify(page_body((subscription_json(s) for s in rows), subscriptions.count(me()), page, per_page))


@api_route("/subscriptions/<int:release_id>", methods=["GET"], tags=["notifications"],
           summary="Whether and how I follow a release", responses={200: ref("Subscription")})
def subscriptions_get(release_id: int):
    """404 when the caller does not follow the release."""
    sub = subscriptions.get(me(), release_id)
    if sub is None:
        from ..errors import NotFound

        raise NotFound("You do not follow this release.", "release_id")
    return jsonify(subscription_json(sub))


@api_route("/subscriptions/<int:release_id>", methods=["PUT"], tags=["notifications"],
           summary="Follow a release (every dub, or some)", body=ref("SubscriptionPut"), body_required=False,
           responses={200: ref("Subscription")})
def subscriptions_put(release_id: int):
    """Follow, or change which dubs are followed."""
    data = get_json(required=False, allowed={"translations"})
    return jsonify(subscription_json(subscriptions.follow(me(), release_id, data.get("translations"))))


@api_route("/subscriptions/<int:release_id>", methods=["DELETE"], tags=["notifications"],
           summary="Unfollow a release", responses={204: "Unfollowed (or was not followed)."})
def subscriptions_delete(release_id: int):
    subscriptions.unfollow(me(), release_id)
    return "", 204

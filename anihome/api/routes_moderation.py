"""Moderation over the API: the queue of reported texts, hide/restore/delete, mutes, and the
audit log (owner)."""
from __future__ import annotations

from flask import jsonify, request

from ..social import audit, moderation
from .auth import current_api_user
from .blueprint import api_route
from .pagination import page_body, pagination_params, parse_pagination
from .params import get_json, parse_int
from .serialize import iso
from .serialize_social import audit_json, queue_item_json
from .spec import array, datetime_string, integer, obj, page_of, ref, string

KINDS = ["comment", "review"]
SCHEMAS = {
    "QueueItem": obj({
        "kind": string(enum=KINDS), "id": integer("The comment's or review's id."),
        "release_id": integer(), "release_title": string(), "author": string(),
        "status": string(enum=["visible", "hidden", "deleted"]),
        "excerpt": string("The start of the text, without markup."),
        "reports": integer("Open reports on it."), "reasons": array(string()),
        "first_reported_at": datetime_string(), "season": integer(nullable=True),
        "episode": integer(nullable=True),
    }, required=["kind", "id", "release_id", "author", "status", "excerpt", "reports", "reasons"]),
    "ModerationAction": obj({
        "action": string(enum=list(moderation.ACTIONS)),
        "reason": string("Why (kept in the audit log).", maxLength=moderation.REASON_MAX),
    }, required=["action"]),
    "ModerationResult": obj({"kind": string(enum=KINDS), "id": integer(),
                             "status": string(enum=["visible", "hidden", "deleted"])},
                            required=["kind", "id", "status"]),
    "MuteCreate": obj({
        "user_id": integer(minimum=1), "days": integer(minimum=1, maximum=moderation.MUTE_DAYS_MAX),
        "reason": string(maxLength=moderation.REASON_MAX),
    }, required=["user_id", "days"]),
    "Mute": obj({"id": integer(), "user_id": integer(), "until": datetime_string(), "reason": string()},
                required=["id", "user_id", "until"]),
    "AuditEntry": obj({
        "id": integer(), "actor": string("Who acted."), "action": string("hide, restore, delete, mute, unmute."),
        "kind": string("comment, review or member."), "target_id": integer(nullable=True),
        "target_user": string("Whose text or which member."), "reason": string(),
        "created_at": datetime_string(),
    }, required=["id", "actor", "action", "kind", "created_at"]),
}


@api_route("/moderation/queue", methods=["GET"], access="moderator", tags=["moderation"],
           summary="Reported comments and reviews, oldest report first", params=pagination_params(),
           responses={200: page_of(ref("QueueItem"))}, endpoint="moderation_queue")
def moderation_queue():
    """Open reports grouped by the text they are about."""
    page, per_page = parse_pagination(request.args)
    items, total = moderation.queue(current_api_user(), page, per_page)
    return jsonify(page_body([queue_item_json(i) for i in items], total, page, per_page))


@api_route("/moderation/<kind>/<int:target_id>", methods=["POST"], access="moderator",
           tags=["moderation"], summary="Hide, restore or delete a comment or review",
           body=ref("ModerationAction"), responses={200: ref("ModerationResult")},
           endpoint="moderation_act")
def moderation_act(kind: str, target_id: int):
    """``kind`` is comment or review; the action resolves its open reports and is audited."""
    data = get_json(allowed={"action", "reason"})
    status = moderation.act(current_api_user(), kind, target_id, data.get("action"), data.get("reason"))
    return jsonify({"kind": kind, "id": target_id, "status": status})


@api_route("/moderation/mutes", methods=["POST"], access="moderator", tags=["moderation"],
           summary="Stop a member from posting for some days", body=ref("MuteCreate"),
           responses={201: ("Muted.", ref("Mute"))}, endpoint="moderation_mute")
def moderation_mute():
    """Mute a member below the caller's rank for 1-365 days (audited)."""
    data = get_json(allowed={"user_id", "days", "reason"})
    row = moderation.mute(current_api_user(), parse_int(data, "user_id", required=True, minimum=1),
                          data.get("days"), data.get("reason"))
    return jsonify({"id": row.id, "user_id": row.user_id, "until": iso(row.until), "reason": row.reason}), 201


@api_route("/audit", methods=["GET"], access="owner", tags=["moderation"],
           summary="The moderation audit log, newest first", params=pagination_params(),
           responses={200: page_of(ref("AuditEntry"))}, endpoint="audit_log")
def audit_log():
    """Who did what to which text or member, when and why."""
    page, per_page = parse_pagination(request.args)
    rows, total = audit.entries(current_api_user(), page, per_page)
    return jsonify(page_body([audit_json(e) for e in rows], total, page, per_page))

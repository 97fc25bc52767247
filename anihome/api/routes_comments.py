"""Comments over the API: a release's (or an episode's) thread, posting, editing, deleting,
reporting. Gated text is left out on the server: ``body`` is null and ``gated`` true."""
from __future__ import annotations

from flask import current_app, jsonify, request

from ..errors import NotFound
from ..social import comments, moderation
from .auth import current_api_user
from .blueprint import api_route
from .pagination import page_body, pagination_params, parse_pagination
from .params import get_json, parse_enum, parse_int, parse_str
from .serialize import iso
from .serialize_social import comment_json
from .spec import array, boolean, datetime_string, integer, obj, page_of, query, ref, string, text

GATE = obj({"season": integer(), "episode": integer()}, required=["season", "episode"])
COMMENT_PROPS = {
    "id": integer(), "release_id": integer(), "parent_id": integer(nullable=True),
    "season": integer(nullable=True), "episode": integer(nullable=True),
    "spoiler_episode": integer("Spoilers up to this episode.", nullable=True),
    "author": string("The author's name."), "mine": boolean(),
    "status": string(enum=["visible", "hidden", "deleted"]),
    "body": string("The text as written (markup unrendered); null when withheld.", nullable=True),
    "html": string("The text rendered to safe HTML; null when withheld.", nullable=True),
    "gated": boolean("The text is withheld: the caller has not watched far enough."),
    "gated_for_others": boolean("Sent to the caller, but gated for members who have not watched far enough."),
    "gate": {"allOf": [GATE], "nullable": True, "description": "The episode a reader must have watched."},
    "created_at": datetime_string(), "edited_at": datetime_string(nullable=True),
    "replies_count": integer(), "can_edit": boolean("The caller can still edit it (15 minutes)."),
}
SCHEMAS = {
    "Comment": obj(COMMENT_PROPS, required=["id", "author", "body", "gated", "created_at",
                                            "edited_at", "replies_count"]),
    "CommentWithReplies": obj({**COMMENT_PROPS, "replies": array(ref("Comment"))},
                              required=["id", "author", "body", "gated", "created_at", "edited_at",
                                        "replies_count", "replies"]),
    "CommentCreate": obj({
        "body": text("1-4,000 characters: paragraphs, **bold**, *italic*, ||spoiler||, links.",
                     max_length=comments.BODY_MAX),
        "season": integer(minimum=0), "episode": integer(minimum=1),
        "parent_id": integer("Reply to this top-level comment.", minimum=1),
        "spoiler_episode": integer("Gate the text until this episode is watched.", minimum=1),
        "nonce": string("Any unique string per submit: a repeat with the same nonce returns the "
                        "first comment.", maxLength=40),
    }, required=["body"]),
    "CommentUpdate": obj({"body": text(max_length=comments.BODY_MAX),
                          "spoiler_episode": integer(minimum=1)}, required=["body"]),
    "ReportCreate": obj({"reason": text(max_length=moderation.REASON_MAX)}, required=["reason"]),
    "ReportMade": obj({"id": integer(), "kind": string(enum=["comment", "review"]),
                       "target_id": integer(), "created_at": datetime_string()},
                      required=["id", "kind", "target_id"]),
}

THREAD_PARAMS = [
    query("season", "integer", "With episode: that episode's thread.", minimum=0),
    query("episode", "integer", "An episode's thread; without it, the release's own thread.", minimum=1),
    query("parent_id", "integer", "Instead: the replies of this comment, oldest first.", minimum=1),
    query("sort", "string", "Top-level order.", enum=comments.SORTS, default="newest"),
    query("reveal", "integer", "\"Show anyway\": send this one gated comment's text.", minimum=1),
]


def _limit() -> int:
    return current_app.config["SOCIAL_RATE_LIMIT"]


def _reveal() -> frozenset[int]:
    reveal = parse_int(request.args, "reveal", minimum=1)
    return frozenset({reveal}) if reveal else frozenset()


@api_route("/releases/<int:release_id>/comments", methods=["GET"], tags=["social"],
           summary="A release's or an episode's comments, with replies",
           params=THREAD_PARAMS + pagination_params(), responses={200: page_of(ref("CommentWithReplies"))},
           endpoint="comments_list")
def comments_list(release_id: int):
    """One page of top-level comments with their replies (or, with parent_id, of replies)."""
    page, per_page = parse_pagination(request.args)
    user = current_api_user()
    parent_id = parse_int(request.args, "parent_id", minimum=1)
    if parent_id is not None:
        head, thread = comments.replies_page(user, parent_id, page, per_page, _reveal())
        if head.release_id != release_id:
            raise NotFound("No such comment on this release.", "parent_id")
        return jsonify(page_body([comment_json(c, True) for c in thread.items], thread.total, page, per_page))
    thread = comments.thread(user, release_id, request.args.get("season"), request.args.get("episode"),
                             parse_enum(request.args, "sort", comments.SORTS, default="newest"),
                             page, per_page, _reveal())
    return jsonify(page_body([comment_json(c, True) for c in thread.items], thread.total, page, per_page))


@api_route("/releases/<int:release_id>/comments", methods=["POST"], tags=["social"],
           summary="Post a comment or a reply", body=ref("CommentCreate"),
           responses={201: ("Posted (or the first of a double submit).", ref("Comment"))},
           endpoint="comments_create")
def comments_create(release_id: int):
    """Post on a release, an episode (season + episode) or under a comment (parent_id)."""
    data = get_json(allowed={"body", "season", "episode", "parent_id", "spoiler_episode", "nonce"})
    user = current_api_user()
    row = comments.post(user, release_id, data.get("body"), data.get("season"), data.get("episode"),
                        data.get("parent_id"), data.get("spoiler_episode"),
                        parse_str(data, "nonce", max_length=comments.NONCE_MAX), _limit())
    return jsonify(comment_json(comments.read_one(user, row.id))), 201


@api_route("/comments/<int:comment_id>", methods=["PATCH"], tags=["social"],
           summary="Edit my comment (within 15 minutes)", body=ref("CommentUpdate"),
           responses={200: ref("Comment")}, endpoint="comments_update")
def comments_update(comment_id: int):
    """Change the text (and spoiler episode) of one's own comment."""
    data = get_json(allowed={"body", "spoiler_episode"})
    user = current_api_user()
    comments.edit(user, comment_id, data.get("body"), data.get("spoiler_episode"))
    return jsonify(comment_json(comments.read_one(user, comment_id)))


@api_route("/comments/<int:comment_id>", methods=["DELETE"], tags=["social"],
           summary="Delete my comment", responses={204: "Deleted."}, endpoint="comments_delete")
def comments_delete(comment_id: int):
    """Delete one's own comment (a thread keeps its shape: it shows as deleted)."""
    comments.delete(current_api_user(), comment_id)
    return "", 204


@api_route("/comments/<int:comment_id>/report", methods=["POST"], tags=["social"],
           summary="Report a comment to the moderators", body=ref("ReportCreate"),
           responses={201: ("Reported.", ref("ReportMade"))}, endpoint="comments_report")
def comments_report(comment_id: int):
    """Report a comment with a reason; a repeat while it is open returns the first report."""
    data = get_json(allowed={"reason"})
    made = moderation.report(current_api_user(), "comment", comment_id, data.get("reason"))
    return jsonify(report_json(made)), 201


def report_json(made) -> dict:
    return {"id": made.id, "kind": made.kind, "target_id": made.target_id, "created_at": iso(made.created_at)}

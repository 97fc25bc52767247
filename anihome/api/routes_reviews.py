"""Reviews over the API: my review of a release, a release's reviews, helpful votes, reports.
``GET /releases/{id}`` carries the household score (see ``routes_catalog``)."""
from __future__ import annotations

from flask import current_app, jsonify, request

from ..errors import NotFound
from ..social import moderation, reviews
from .auth import current_api_user
from .blueprint import api_route
from .pagination import page_body, pagination_params, parse_pagination
from .params import get_json, parse_int
from .routes_comments import report_json
from .serialize_social import review_json
from .spec import boolean, datetime_string, integer, obj, page_of, query, ref, string, text

SCHEMAS = {
    "Review": obj({
        "id": integer(), "release_id": integer(), "author": string(), "mine": boolean(),
        "score": integer(minimum=1, maximum=10),
        "status": string(enum=["visible", "hidden", "deleted"]),
        "body": string("The text as written; null when withheld by the spoiler shield.", nullable=True),
        "html": string("The text as safe HTML; null when withheld.", nullable=True),
        "gated": boolean(), "gated_for_others": boolean(),
        "spoiler_episode": integer(nullable=True),
        "progress": obj({"watched": integer("Episodes the reviewer had watched when writing."),
                         "total": integer("Episodes of the release then, when known.", nullable=True)},
                        required=["watched", "total"]),
        "helpful_count": integer(), "voted_helpful": boolean("The caller marked it helpful."),
        "created_at": datetime_string(), "updated_at": datetime_string(),
    }, required=["id", "author", "score", "body", "gated", "progress", "helpful_count"]),
    "ReviewWrite": obj({
        "score": integer(minimum=1, maximum=10),
        "body": text("At least 20 characters (after trimming), at most 4,000.", min_length=reviews.BODY_MIN,
                     max_length=reviews.BODY_MAX),
        "spoiler_episode": integer("Spoilers up to this episode.", minimum=1, nullable=True),
    }, required=["score", "body"]),
    "HouseholdScore": obj({"mean": {"type": "number", "description": "Mean of the household's review scores (1-10)."},
                           "count": integer("Reviews counted.")}, required=["mean", "count"]),
    "Helpful": obj({"helpful_count": integer(), "voted_helpful": boolean()},
                   required=["helpful_count", "voted_helpful"]),
}


@api_route("/releases/<int:release_id>/review", methods=["GET"], tags=["social"],
           summary="My review of a release", responses={200: ref("Review")}, endpoint="review_mine")
def review_mine(release_id: int):
    """The caller's review of a release; 404 when they have not written one."""
    view = reviews.view_mine(current_api_user(), release_id)
    if view is None:
        raise NotFound("You have not reviewed this release.")
    return jsonify(review_json(view))


@api_route("/releases/<int:release_id>/review", methods=["PUT"], tags=["social"],
           summary="Write or rewrite my review of a release", body=ref("ReviewWrite"),
           responses={200: ("Rewritten.", ref("Review")), 201: ("Created.", ref("Review"))},
           endpoint="review_put")
def review_put(release_id: int):
    """One review per member per release: the first PUT creates it, later ones replace it."""
    data = get_json(allowed={"score", "body", "spoiler_episode"})
    user = current_api_user()
    _, created = reviews.save(user, release_id, data.get("score"), data.get("body"),
                              data.get("spoiler_episode"),
                              limit_per_minute=current_app.config["SOCIAL_RATE_LIMIT"])
    return jsonify(review_json(reviews.view_mine(user, release_id))), 201 if created else 200


@api_route("/releases/<int:release_id>/review", methods=["DELETE"], tags=["social"],
           summary="Delete my review of a release", responses={204: "Deleted."}, endpoint="review_delete")
def review_delete(release_id: int):
    """Delete the caller's review; its score leaves the household score."""
    reviews.delete_mine(current_api_user(), release_id)
    return "", 204


@api_route("/releases/<int:release_id>/reviews", methods=["GET"], tags=["social"],
           summary="A release's reviews, most helpful first",
           params=[query("reveal", "integer", "\"Show anyway\": send this one gated review's text.",
                         minimum=1)] + pagination_params(),
           responses={200: page_of(ref("Review"))}, endpoint="reviews_list")
def reviews_list(release_id: int):
    """One page of the household's reviews of a release."""
    page, per_page = parse_pagination(request.args)
    reveal = parse_int(request.args, "reveal", minimum=1)
    items, total = reviews.for_release(current_api_user(), release_id, page, per_page,
                                       frozenset({reveal}) if reveal else frozenset())
    return jsonify(page_body([review_json(v) for v in items], total, page, per_page))


def _vote(review_id: int, helpful: bool):
    count = reviews.vote(current_api_user(), review_id, helpful)
    return jsonify({"helpful_count": count, "voted_helpful": helpful})


@api_route("/reviews/<int:review_id>/helpful", methods=["PUT"], tags=["social"],
           summary="Mark a review helpful", responses={200: ref("Helpful")}, endpoint="review_helpful_put")
def review_helpful_put(review_id: int):
    """One vote per member per review (repeating it changes nothing); never on one's own."""
    return _vote(review_id, True)


@api_route("/reviews/<int:review_id>/helpful", methods=["DELETE"], tags=["social"],
           summary="Take back my helpful mark", responses={200: ref("Helpful")},
           endpoint="review_helpful_delete")
def review_helpful_delete(review_id: int):
    """Remove the caller's helpful vote."""
    return _vote(review_id, False)


@api_route("/reviews/<int:review_id>/report", methods=["POST"], tags=["social"],
           summary="Report a review to the moderators", body=ref("ReportCreate"),
           responses={201: ("Reported.", ref("ReportMade"))}, endpoint="reviews_report")
def reviews_report(review_id: int):
    """Report a review with a reason."""
    made = moderation.report(current_api_user(), "review", review_id,
                             get_json(allowed={"reason"}).get("reason"))
    return jsonify(report_json(made)), 201

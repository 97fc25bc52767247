"""API: recommendations, similar titles, the tonight planner, forecasts and A/B experiments."""
from __future__ import annotations

from flask import current_app, jsonify, request

from ..catalog.agecap import cap_of
from ..dates import iso_utc
from ..cache import get_cache
from ..learn import cached, experiments, forecasts, recommendations, tonight
from .auth import current_api_user
from .blueprint import api_route
from .routes_catalog import DISPLAY_TITLE
from .serialize import titled
from .params import get_json, parse_int
from .spec import array, datetime_string, integer, obj, query, ref, string, text

SCHEMAS = {
    "Recommendation": obj({
        "release": ref("ReleaseCard"),
        "reason": string("Why: similar (to reason_release), household (liked by members with your taste), "
                         "popular, or genre (popular in genres you like).",
                         enum=["similar", "household", "popular", "genre"]),
        "reason_release": {"type": "object", "nullable": True, "additionalProperties": False,
                           "properties": {"id": integer(), "title": string(), "title_orig": string(),
                                          "title_en": string(), "display_title": string(DISPLAY_TITLE)},
                           "required": ["id", "title"]},
    }, required=["release", "reason", "reason_release"]),
    "TonightRequest": {**obj({
        "members": {"type": "array", "minItems": 1, "maxItems": tonight.MAX_MEMBERS,
                    "items": {"type": "integer", "minimum": 1}, "description": "Who is watching (member ids)."},
        "minutes": integer("Minutes there are.", minimum=1, maximum=tonight.MAX_MINUTES),
    }, required=["members", "minutes"]), "additionalProperties": False},
    "TonightPick": obj({
        "release": ref("ReleaseCard"),
        "listed_by": array(string("A member who has it on a list (planned, watching, on hold).")),
        "recommended_for": array(string("A member it was recommended to.")),
        "episode_minutes": integer("Length of one episode (24 when unknown)."),
        "episodes": integer("Whole episodes that fit in the time."),
        "fits": {"type": "boolean"},
    }, required=["release", "listed_by", "recommended_for", "episode_minutes", "episodes", "fits"]),
    "Prediction": obj({
        "release_id": integer(), "days": integer(),
        "expected": {"type": "number", "description": "Expected household episode starts over the days."},
        "low": {"type": "number"}, "high": {"type": "number"},
        "model": string("ridge, or seasonal_naive when the model did not beat the baseline; null without "
                        "recent views.", nullable=True, enum=["ridge", "seasonal_naive", None]),
        "computed_at": datetime_string(nullable=True),
    }, required=["release_id", "days", "expected", "low", "high", "model", "computed_at"]),
    "ExperimentCreate": {**obj({
        "name": text("Lowercase letters, digits, '-' and '_'.", max_length=80),
        "description": string(maxLength=500),
        "variants": {"type": "array", "minItems": 2, "items": {
            "type": "object", "additionalProperties": False, "required": ["name"],
            "properties": {"name": string(minLength=1, maxLength=40), "weight": {"type": "number", "minimum": 0}}}},
        "metric": string(enum=list(experiments.METRICS)),
        "min_sample": integer("Members per variant before results show a p-value.", minimum=2, maximum=100000),
    }, required=["name", "variants", "metric"]), "additionalProperties": False},
    "Experiment": obj({
        "id": integer(), "name": string(), "description": string(),
        "variants": array(obj({"name": string(), "weight": {"type": "number"}}, required=["name", "weight"])),
        "metric": string(), "metric_kind": string(enum=["conversion", "mean"]), "min_sample": integer(),
        "status": string(enum=["running", "stopped"]), "created_at": datetime_string(),
        "stopped_at": datetime_string(nullable=True),
    }, required=["id", "name", "description", "variants", "metric", "metric_kind", "min_sample", "status",
                 "created_at", "stopped_at"]),
    "ExperimentResults": obj({
        "experiment": ref("Experiment"),
        "enough_data": {"type": "boolean", "description": "False until every variant has min_sample members."},
        "test": string(enum=["chi_square", "welch_t"]),
        "statistic": {"type": "number", "nullable": True},
        "p_value": {"type": "number", "nullable": True},
        "variants": array(obj({
            "name": string(), "weight": {"type": "number"}, "members": integer(),
            "conversions": integer(nullable=True), "rate": {"type": "number", "nullable": True},
            "mean": {"type": "number", "nullable": True},
            "diff_ci": {"type": "array", "nullable": True, "items": {"type": "number"},
                        "description": "95% interval of the difference to the first variant (control)."},
        }, required=["name", "weight", "members", "conversions", "rate", "mean", "diff_ci"])),
    }, required=["experiment", "enough_data", "test", "statistic", "p_value", "variants"]),
}


def recommendation_json(item) -> dict:
    return {"release": item.release, "reason": item.reason, "reason_release": item.reason_release}


def experiment_json(e) -> dict:
    return {"id": e.id, "name": e.name, "description": e.description, "variants": e.variant_list,
            "metric": e.metric, "metric_kind": e.metric_kind, "min_sample": e.min_sample, "status": e.status,
            "created_at": iso_utc(e.created_at), "stopped_at": iso_utc(e.stopped_at)}


@api_route("/recommendations", tags=["recommendations"], summary="My recommendations (For you)",
           params=[query("limit", "integer", "How many (1-50).", minimum=1, maximum=recommendations.MAX_LIMIT,
                         default=recommendations.DEFAULT_LIMIT)],
           responses={200: obj({"items": array(ref("Recommendation"))}, required=["items"])})
def recommendations_list():
    """The caller's For-you list from the nightly run, each with its reason."""
    limit = parse_int(request.args, "limit", default=recommendations.DEFAULT_LIMIT, minimum=1,
                      maximum=recommendations.MAX_LIMIT)
    items = cached.for_you(get_cache(current_app), current_api_user(), limit)
    return jsonify(titled({"items": [recommendation_json(i) for i in items]}))


@api_route("/releases/<int:release_id>/similar", tags=["recommendations"], summary="Titles similar to a release",
           params=[query("limit", "integer", "How many (1-50).", minimum=1, maximum=recommendations.MAX_LIMIT,
                         default=recommendations.DEFAULT_LIMIT)],
           responses={200: obj({"items": array(ref("ReleaseCard"))}, required=["items"])})
def release_similar(release_id: int):
    """Similar titles under the caller's age cap (404 for a release the caller cannot see)."""
    from ..errors import NotFound

    limit = parse_int(request.args, "limit", default=recommendations.DEFAULT_LIMIT, minimum=1,
                      maximum=recommendations.MAX_LIMIT)
    cap = cap_of(current_api_user())
    if not recommendations.visible([release_id], cap):
        raise NotFound("No such release.", field="release_id")
    return jsonify(titled({"items": recommendations.similar_to(release_id, cap, limit)}))


@api_route("/tonight", methods=["POST"], tags=["recommendations"], summary="Plan tonight for the members present",
           body=ref("TonightRequest"), responses={200: obj({"items": array(ref("TonightPick"))}, required=["items"])})
def tonight_plan():
    """Picks that suit everyone present within the strictest age cap, with how many episodes fit."""
    data = get_json(allowed={"members", "minutes"})
    members = tonight.members_from(data.get("members"))
    picks = cached.tonight_plan(get_cache(current_app), members, tonight.check_minutes(data.get("minutes")))
    return jsonify(titled({"items": [vars(p) for p in picks]}))


@api_route("/analytics/predictions/<int:release_id>", access="admin", tags=["analytics"],
           summary="Expected household views of a release over the next days",
           params=[query("days", "integer", "Horizon in days (1-90).", required=True, minimum=1,
                         maximum=forecasts.MAX_DAYS)],
           responses={200: ref("Prediction")})
def prediction(release_id: int):
    """The nightly forecast summed over ``days``, with its interval and the model that served it."""
    days = parse_int(request.args, "days", required=True, minimum=1, maximum=forecasts.MAX_DAYS)
    answer = forecasts.prediction(release_id, days, cap_of(current_api_user()))
    answer["computed_at"] = iso_utc(answer["computed_at"])
    return jsonify(answer)


@api_route("/experiments", access="admin", tags=["experiments"], summary="A/B experiments",
           responses={200: obj({"items": array(ref("Experiment"))}, required=["items"])})
def experiments_list():
    return jsonify({"items": [experiment_json(e) for e in experiments.listing()]})


@api_route("/experiments", methods=["POST"], access="admin", tags=["experiments"], summary="Start an experiment",
           body=ref("ExperimentCreate"), responses={201: ("Created.", ref("Experiment")), 409: "The name exists."})
def experiments_create():
    data = get_json(allowed={"name", "description", "variants", "metric", "min_sample"})
    row = experiments.create(data.get("name"), data.get("variants"), data.get("metric"),
                             data.get("min_sample", 20), data.get("description", ""))
    return jsonify(experiment_json(row)), 201


def results_json(result: dict) -> dict:
    variants = [{"name": v.name, "weight": v.weight, "members": v.members, "conversions": v.conversions,
                 "rate": v.rate, "mean": v.mean, "diff_ci": list(result["intervals"][v.name])
                 if result["intervals"].get(v.name) else None} for v in result["variants"]]
    return {"experiment": experiment_json(result["experiment"]), "enough_data": result["enough_data"],
            "test": result["test"], "statistic": result["statistic"], "p_value": result["p_value"],
            "variants": variants}


@api_route("/experiments/<int:experiment_id>/results", access="admin", tags=["experiments"],
           summary="An experiment's results", responses={200: ref("ExperimentResults")})
def experiment_results(experiment_id: int):
    return jsonify(results_json(experiments.results(experiment_id)))


@api_route("/experiments/<int:experiment_id>/stop", methods=["POST"], access="admin", tags=["experiments"],
           summary="Stop an experiment", body_required=False, responses={200: ref("Experiment")})
def experiment_stop(experiment_id: int):
    get_json(required=False, allowed=())
    return jsonify(experiment_json(experiments.stop(experiment_id)))

"""Pages of the learning area: the For-you row (included in home), "open from For-you"
(records the experiment's attribution), the tonight planner, and the owner's learning page
(forecast backtest, top forecasts, experiments)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..cache import get_cache
from ..catalog.agecap import cap_of
from ..errors import AppError
from ..jobs.history import recent_runs
from ..learn import cached, evaluation, experiments, forecasts, recommendations, recommender, tonight, tuning
from ..models import User
from ..security.access import access
from .templating import gettext as _

bp = Blueprint("learn", __name__)

#: what to fix, per field the experiments service refuses (translated when shown)
EXPERIMENT_FIELD_HELP = {
    "name": "The name takes lowercase letters, digits, '-' and '_', and must be new.",
    "variants": "Give at least two variants with different names and weights that add up to more than zero.",
    "metric": "Choose a metric from the list.",
    "min_sample": "Members per variant: a whole number from 2 to 100000.",
    "description": "The description is at most 500 characters.",
}

FOR_YOU_LIMIT = 12


def for_you(user) -> list:
    """The member's For-you row: the blend their experiment variant names (exposure recorded).

    Cached per member until their lists or account change, the catalog changes or a learning
    run finishes; the variant for five minutes (a stopped experiment stops showing by then)."""
    cache = get_cache(current_app)
    blend = cache.get_or_set(f"learn:variant:{user.id}",
                             lambda: experiments.expose(experiments.BUILTIN, user.id) or "a",
                             ttl=300, tags=("job:learn",))
    blend = blend if blend in recommendations.BLENDS else "a"
    return cached.for_you(cache, user, FOR_YOU_LIMIT, blend)


def similar_titles(release_id: int, cap: int | None) -> list[dict]:
    """Similar titles for a release page, cached per age cap until the catalog or a learning run changes."""
    return get_cache(current_app).get_or_set(f"learn:similar:{release_id}:{cap}",
                                             lambda: recommendations.similar_to(release_id, cap),
                                             tags=("catalog", "job:learn"))


@bp.get("/foryou/open/<int:release_id>")
@access("member")
def open_from_for_you(release_id: int):
    """Record where the open came from (the experiment's attribution), then show the release."""
    experiments.opened_from_for_you(current_user.id, release_id)
    return redirect(url_for("catalog.release", release_id=release_id))


@bp.get("/tonight")
@access("member")
def tonight_page():
    """Who is watching and for how long; picks when the form was sent."""
    household = list(User.select().where(User.is_active == True).order_by(User.username))  # noqa: E712
    chosen = [int(v) for v in request.args.getlist("members") if v.isdigit()] or [current_user.id]
    minutes_text = request.args.get("minutes", "")
    picks, error = None, None
    if minutes_text or request.args.get("members"):
        try:
            minutes = int(minutes_text) if minutes_text.strip().isdigit() else None
            picks = cached.tonight_plan(get_cache(current_app), tonight.members_from(chosen),
                                        tonight.check_minutes(minutes))
        except AppError as exc:
            error = _("Choose at least one member.") if exc.field == "members" else \
                _("Minutes: a whole number from 1 to %(max)s.", max=tonight.MAX_MINUTES)
    return render_template("learn/tonight.html", household=household, chosen=set(chosen),
                           minutes=minutes_text or "90", picks=picks, error=error), 400 if error else 200


@bp.get("/admin/learn")
@access("admin")
def admin():
    """The recommender's check against popularity, forecast backtest and top forecasts,
    experiments and their results, the last learning runs."""
    rows = [(e, experiments.results(e.id)) for e in experiments.listing()]
    return render_template("learn/admin.html", report=forecasts.latest_report(),
                           check=recommendations.latest_check(), min_cases=evaluation.MIN_CASES,
                           min_tuning=tuning.MIN_TUNING_CASES, defaults=recommender.BLENDS,
                           top=forecasts.top_forecasts(cap_of(current_user)), experiments=rows,
                           metrics=experiments.METRICS, runs=recent_runs("learn", 5), builtin=experiments.BUILTIN)


@bp.post("/admin/learn/experiments")
@access("admin")
def create_experiment():
    form = request.form
    variants = [{"name": n.strip(), "weight": _weight(w)}
                for n, w in zip(form.getlist("variant"), form.getlist("weight")) if n.strip()]
    try:
        min_sample = int(form.get("min_sample", "20"))
    except ValueError:
        min_sample = -1
    try:
        experiments.create(form.get("name", ""), variants, form.get("metric"), min_sample, form.get("description", ""))
        flash(_("Experiment started."), "success")
    except AppError as exc:
        help_text = EXPERIMENT_FIELD_HELP.get(exc.field or "", "Check the form.")
        flash(_("Could not start the experiment: %(reason)s", reason=_(help_text)), "error")
    return redirect(url_for("learn.admin"))


def _weight(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return -1.0


@bp.post("/admin/learn/experiments/<int:experiment_id>/stop")
@access("admin")
def stop_experiment(experiment_id: int):
    experiments.stop(experiment_id)
    flash(_("Experiment stopped."), "success")
    return redirect(url_for("learn.admin"))

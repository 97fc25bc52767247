"""A/B experiments: define, assign members stably, record exposures and outcomes, report.

A member's variant is a hash of (experiment, member) mapped onto the variants' weights, so it
never changes and needs no stored state to decide; the first exposure is stored so results
count exactly who saw a variant. Two metric kinds: a conversion (share of exposed members who
did something, compared with chi-square) and a mean (a value per exposed member, compared
with Welch's t-test against the first variant, the control). Below ``min_sample`` members in
any variant the results say "not enough data" instead of a p-value.

The For-you conversion (``foryou_start``, the built-in experiment's metric) is attributed:
opening a title from the For-you row stores (experiment, member, title, variant, when), and
the member converts when they start an episode of that title within ``CONVERSION_WINDOW`` of
opening it (their watch history, read through ``library.history``). ``foryou_open`` (the click
alone) is kept for experiments created with it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, Conflict, NotFound
from ..library.history import seconds_watched, started_between
from ..models import Experiment, ExperimentExposure, ExperimentOutcome, ForYouOpen, Release
from . import stats

log = logging.getLogger(__name__)

#: metric -> (kind, what it measures); conversions are recorded by the feature, means computed here
METRICS = {
    "foryou_start": ("conversion", "Started an episode of a title opened from the For-you row within 24 h"),
    "foryou_open": ("conversion", "Opened a title from the For-you row after seeing it"),
    "minutes_per_day": ("mean", "Minutes watched per day since first exposure"),
}
BUILTIN = "for-you-blend"
#: metrics a For-you open feeds
FOR_YOU_METRICS = ("foryou_open", "foryou_start")
CONVERSION_WINDOW = timedelta(hours=24)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_VARIANT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def _validated(name, variants, metric, min_sample) -> tuple[str, list[dict], str, int]:
    if not isinstance(name, str) or not _NAME.match(name.strip().lower()):
        raise AppError("name: 1-80 lowercase letters, digits, '-' or '_'.", field="name")
    if not isinstance(variants, list) or len(variants) < 2:
        raise AppError("variants: give at least two, each {\"name\", \"weight\"}.", field="variants")
    cleaned, seen = [], set()
    for item in variants:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                or not _VARIANT.match(item["name"]) or item["name"] in seen:
            raise AppError("variants: each needs a unique name (lowercase letters, digits, '-', '_').",
                           field="variants")
        weight = item.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight) \
                or weight < 0:
            raise AppError("variants: weights are numbers of zero or more.", field="variants")
        seen.add(item["name"])
        cleaned.append({"name": item["name"], "weight": float(weight)})
    if sum(v["weight"] for v in cleaned) <= 0:
        raise AppError("variants: the weights must add up to more than zero.", field="variants")
    if metric not in METRICS:
        raise AppError(f"metric must be one of: {', '.join(METRICS)}.", field="metric")
    if isinstance(min_sample, bool) or not isinstance(min_sample, int) or not 2 <= min_sample <= 100000:
        raise AppError("min_sample must be a whole number from 2 to 100000.", field="min_sample")
    return name.strip().lower(), cleaned, metric, min_sample


def create(name, variants, metric, min_sample=20, description: str = "", now: datetime | None = None) -> Experiment:
    """A new running experiment; 400 naming the field on bad input, 409 when the name exists."""
    name, variants, metric, min_sample = _validated(name, variants, metric, min_sample)
    if not isinstance(description, str) or len(description) > 500:
        raise AppError("description: text of at most 500 characters.", field="description")
    with write_transaction():
        if Experiment.select().where(Experiment.name == name).exists():
            raise Conflict(f"An experiment named {name} exists.", field="name")
        experiment = Experiment.create(name=name, description=description, variants=json.dumps(variants),
                                       metric_kind=METRICS[metric][0], metric=metric, min_sample=min_sample,
                                       status="running", created_at=now or utcnow())
    log.info("experiment created id=%s name=%s", experiment.id, name)
    return experiment


def ensure_builtin(now: datetime | None = None) -> Experiment:
    """The For-you blend experiment (blend a vs b), created once."""
    found = Experiment.get_or_none(Experiment.name == BUILTIN)
    if found is not None:
        return found
    return create(BUILTIN, [{"name": "a", "weight": 1}, {"name": "b", "weight": 1}], "foryou_start",
                  description="For-you row: content-led blend (a) against household-led blend (b).", now=now)


def get(experiment_id) -> Experiment:
    found = Experiment.get_or_none(Experiment.id == experiment_id) if isinstance(experiment_id, int) else None
    if found is None:
        raise NotFound("No such experiment.", field="experiment_id")
    return found


def listing() -> list[Experiment]:
    return list(Experiment.select().order_by(Experiment.created_at.desc(), Experiment.id.desc()))


def variant_for(experiment: Experiment, user_id: int) -> str:
    """The member's variant: stable, from a hash of (experiment, member) over the weights."""
    digest = hashlib.sha256(f"{experiment.id}:{user_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2 ** 64
    variants = experiment.variant_list
    total = sum(v["weight"] for v in variants)
    edge = 0.0
    for v in variants:
        edge += v["weight"] / total
        if point < edge:
            return v["name"]
    return variants[-1]["name"]


def expose(name: str, user_id: int, now: datetime | None = None) -> str | None:
    """The member's variant of the running experiment ``name`` (first exposure stored), or None."""
    experiment = Experiment.get_or_none((Experiment.name == name) & (Experiment.status == "running"))
    if experiment is None:
        return None
    variant = variant_for(experiment, user_id)
    seen = (ExperimentExposure.select().where((ExperimentExposure.experiment == experiment)
                                              & (ExperimentExposure.user == user_id)).exists())
    if not seen:
        with write_transaction():
            ExperimentExposure.insert(experiment=experiment, user=user_id, variant=variant,
                                      first_at=now or utcnow()).on_conflict_ignore().execute()
    return variant


def convert(name: str, user_id: int, value: float = 1.0, now: datetime | None = None) -> bool:
    """Record the member's conversion (or value) in a running experiment they were exposed to."""
    experiment = Experiment.get_or_none((Experiment.name == name) & (Experiment.status == "running"))
    if experiment is None:
        return False
    exposure = ExperimentExposure.get_or_none((ExperimentExposure.experiment == experiment)
                                              & (ExperimentExposure.user == user_id))
    if exposure is None:
        return False
    with write_transaction():
        at = now or utcnow()  # one outcome per member: the latest replaces it (SQLite and PostgreSQL alike)
        ExperimentOutcome.insert(experiment=experiment, user=user_id, variant=exposure.variant, value=value,
                                 at=at).on_conflict(
            conflict_target=[ExperimentOutcome.experiment, ExperimentOutcome.user],
            update={ExperimentOutcome.variant: exposure.variant, ExperimentOutcome.value: value,
                    ExperimentOutcome.at: at}).execute()
    return True


def opened_from_for_you(user_id: int, release_id: int, now: datetime | None = None) -> int:
    """The member opened ``release_id`` from the For-you row: in each running For-you experiment
    they were exposed to, a conversion (``foryou_open``) or an attribution that a start within
    24 h converts (``foryou_start``). Returns how many experiments recorded it."""
    now = now or utcnow()
    rows = list(ExperimentExposure.select(ExperimentExposure, Experiment).join(Experiment)
                .where((ExperimentExposure.user == user_id) & (Experiment.status == "running")
                       & Experiment.metric.in_(FOR_YOU_METRICS)))
    if not rows or not Release.select().where(Release.id == release_id).exists():
        return 0
    with write_transaction():
        for exposure in rows:
            experiment = exposure.experiment
            if experiment.metric == "foryou_open":
                ExperimentOutcome.insert(experiment=experiment, user=user_id, variant=exposure.variant, value=1.0,
                                         at=now).on_conflict(
                    conflict_target=[ExperimentOutcome.experiment, ExperimentOutcome.user],
                    update={ExperimentOutcome.variant: exposure.variant, ExperimentOutcome.value: 1.0,
                            ExperimentOutcome.at: now}).execute()
            else:
                ForYouOpen.create(experiment=experiment, user=user_id, release=release_id,
                                  variant=exposure.variant, opened_at=now)
    log.info("for-you open user_id=%s release_id=%s experiments=%s", user_id, release_id, len(rows))
    return len(rows)


def _started_after_open(experiment: Experiment) -> set[int]:
    """Members who started an episode of a title within 24 h of opening it from For-you."""
    opens = (ForYouOpen.select(ForYouOpen.user, ForYouOpen.release, ForYouOpen.opened_at)
             .where(ForYouOpen.experiment == experiment).order_by(ForYouOpen.opened_at).tuples())
    converted: set[int] = set()
    for user_id, release_id, opened_at in opens:
        if user_id not in converted and started_between(user_id, release_id, opened_at,
                                                        opened_at + CONVERSION_WINDOW):
            converted.add(user_id)
    return converted


def stop(experiment_id, now: datetime | None = None) -> Experiment:
    experiment = get(experiment_id)
    if experiment.status != "stopped":
        with write_transaction():
            experiment.status, experiment.stopped_at = "stopped", now or utcnow()
            experiment.save()
        log.info("experiment stopped id=%s", experiment.id)
    return experiment


@dataclass
class VariantResult:
    name: str
    weight: float
    members: int
    conversions: int | None = None
    rate: float | None = None
    mean: float | None = None
    variance: float | None = None


def _values(experiment: Experiment, now: datetime) -> dict[str, list[float]]:
    """Per variant, one value per exposed member (1/0 for conversions, the metric for means)."""
    exposures = list(ExperimentExposure.select().where(ExperimentExposure.experiment == experiment))
    out = {v["name"]: [] for v in experiment.variant_list}
    if experiment.metric == "foryou_start":
        converted = _started_after_open(experiment)
        for e in exposures:
            out.setdefault(e.variant, []).append(1.0 if e.user_id in converted else 0.0)
        return out
    if experiment.metric_kind == "conversion":
        converted = {o.user_id for o in ExperimentOutcome.select(ExperimentOutcome.user)
                     .where(ExperimentOutcome.experiment == experiment)}
        for e in exposures:
            out.setdefault(e.variant, []).append(1.0 if e.user_id in converted else 0.0)
        return out
    end = experiment.stopped_at or now
    for e in exposures:
        days = max((end - e.first_at).total_seconds() / 86400, 1.0)
        out.setdefault(e.variant, []).append(seconds_watched(e.user_id, e.first_at) / 60 / days)
    return out


def results(experiment_id, now: datetime | None = None) -> dict:
    """Counts, rates or means per variant, the test's p-value and a 95% interval vs control."""
    experiment = get(experiment_id)
    values = _values(experiment, now or utcnow())
    weights = {v["name"]: v["weight"] for v in experiment.variant_list}
    rows = []
    for name, items in values.items():
        n = len(items)
        mean = sum(items) / n if n else None
        var = (sum((x - mean) ** 2 for x in items) / (n - 1)) if n > 1 else None
        row = VariantResult(name, weights.get(name, 0.0), n)
        if experiment.metric_kind == "conversion":
            row.conversions, row.rate = int(sum(items)), mean
        else:
            row.mean, row.variance = mean, var
        rows.append(row)
    enough = all(r.members >= experiment.min_sample for r in rows)
    test, intervals = None, {}
    if enough:
        control = rows[0]
        if experiment.metric_kind == "conversion":
            test = stats.chi_square([(r.conversions, r.members - r.conversions) for r in rows])
            for r in rows[1:]:
                intervals[r.name] = stats.proportion_diff_ci(control.conversions, control.members,
                                                             r.conversions, r.members)
        else:
            second = rows[1]  # the reported test: the first challenger against control
            test = stats.welch(control.mean, control.variance or 0.0, control.members,
                               second.mean, second.variance or 0.0, second.members)
            for r in rows[1:]:
                intervals[r.name] = stats.mean_diff_ci(control.mean, control.variance or 0.0, control.members,
                                                       r.mean, r.variance or 0.0, r.members)
    return {"experiment": experiment, "variants": rows, "enough_data": enough,
            "test": "chi_square" if experiment.metric_kind == "conversion" else "welch_t",
            "statistic": test.statistic if test else None, "p_value": test.p_value if test else None,
            "intervals": intervals}

"""What the nightly learning child process writes and the serving process reads.

Recommendations and similar titles are ranked lists with a reason each; forecasts are a
release's expected daily views for the next days with an interval; the model report says
how the forecast model did against its baseline. Experiments, their assignments and their
conversions are written by the serving process (``anihome.learn.experiments``).
"""
import json

from peewee import CharField, DateTimeField, FloatField, ForeignKeyField, IntegerField, TextField

from .accounts import User
from .base import BaseModel
from .catalog import Release


class Recommendation(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    #: which blend produced the row ("a", "b"): the For-you experiment compares them
    blend = CharField(max_length=8, default="a")
    rank = IntegerField()
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    score = FloatField()
    #: "similar" (to reason_release), "household" (co-watched), "popular", "genre"
    reason = CharField(max_length=16)
    reason_release = ForeignKeyField(Release, null=True, on_delete="SET NULL", backref="+")
    computed_at = DateTimeField()

    class Meta:
        table_name = "recommendation"
        indexes = ((("user", "blend", "rank"), False),)


class SimilarRelease(BaseModel):
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    rank = IntegerField()
    similar = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    score = FloatField()

    class Meta:
        table_name = "similar_release"
        indexes = ((("release", "rank"), False),)


class Forecast(BaseModel):
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+", unique=True)
    #: JSON list of expected views per day, day 1 .. 90 from ``start``
    daily = TextField()
    #: half-width of the interval around one day's forecast (from backtest residuals)
    spread = FloatField()
    model = CharField(max_length=32)
    start = DateTimeField()

    class Meta:
        table_name = "forecast"

    @property
    def daily_list(self) -> list[float]:
        return json.loads(self.daily or "[]")


class ForecastReport(BaseModel):
    """One backtest of one model: its mean absolute error and interval coverage."""
    model = CharField(max_length=32)
    mae = FloatField(null=True)
    coverage = FloatField(null=True)
    points = IntegerField(default=0)
    chosen = IntegerField(default=0)
    computed_at = DateTimeField()

    class Meta:
        table_name = "forecast_report"


class RecommenderReport(BaseModel):
    """One nightly held-out check of one ranker (a blend, or "popularity"): hit rate@10,
    NDCG@10, how many cases, whether its rankings were served, and whether the cases were
    enough to decide (``anihome.learn.evaluation``); since m0027 the weights it ranked with
    (a blend's tuned weights) and its NDCG@10 on the tuning half (``anihome.learn.tuning``)."""
    ranker = CharField(max_length=16)
    hit_rate = FloatField()
    ndcg = FloatField()
    cases = IntegerField(default=0)
    served = IntegerField(default=1)
    enough = IntegerField(default=0)
    content_weight = FloatField(null=True)
    household_weight = FloatField(null=True)
    popularity_weight = FloatField(null=True)
    tuned_ndcg = FloatField(null=True)
    tuning_cases = IntegerField(null=True)
    computed_at = DateTimeField()

    class Meta:
        table_name = "recommender_report"


class Experiment(BaseModel):
    name = CharField(max_length=80, unique=True)
    description = TextField(default="")
    #: JSON list of {"name", "weight"}
    variants = TextField()
    #: "conversion" (share of exposed members who converted) or "mean" (a value per member)
    metric_kind = CharField(max_length=16)
    metric = CharField(max_length=40)
    min_sample = IntegerField(default=20)
    status = CharField(max_length=16, default="running")
    created_at = DateTimeField()
    stopped_at = DateTimeField(null=True)

    class Meta:
        table_name = "experiment"

    @property
    def variant_list(self) -> list[dict]:
        return json.loads(self.variants or "[]")


class ExperimentExposure(BaseModel):
    experiment = ForeignKeyField(Experiment, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    variant = CharField(max_length=40)
    first_at = DateTimeField()

    class Meta:
        table_name = "experiment_exposure"
        indexes = ((("experiment", "user"), True),)


class ExperimentOutcome(BaseModel):
    """A member's conversion (value 1) or metric value for one experiment, updated in place."""
    experiment = ForeignKeyField(Experiment, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    variant = CharField(max_length=40)
    value = FloatField()
    at = DateTimeField()

    class Meta:
        table_name = "experiment_outcome"
        indexes = ((("experiment", "user"), True),)


class ForYouOpen(BaseModel):
    """A member opened a title from the For-you row while exposed to an experiment: the
    attribution a later episode start (within 24 h) converts."""
    experiment = ForeignKeyField(Experiment, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    variant = CharField(max_length=40)
    opened_at = DateTimeField()

    class Meta:
        table_name = "foryou_open"
        indexes = ((("experiment", "user", "opened_at"), False),)


class Onboarding(BaseModel):
    """A member's answer to the first-visit favourites picker: "done" (with how many picks)
    or "skipped"; either way it is not offered on its own again."""
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+", unique=True)
    status = CharField(max_length=16)
    picks = IntegerField(default=0)
    at = DateTimeField()

    class Meta:
        table_name = "onboarding"

"""Learning results (m0018): recommendations and similar titles from the nightly child
process, release forecasts and the model backtest report, and A/B experiments with their
assignments and outcomes."""
from peewee import CharField, DateTimeField, FloatField, ForeignKeyField, IntegerField, Model, TextField

from .schema import create_tables


class User(Model):
    class Meta:
        table_name = "user"


class Release(Model):
    class Meta:
        table_name = "release"


class Recommendation(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    blend = CharField(max_length=8, default="a")
    rank = IntegerField()
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    score = FloatField()
    reason = CharField(max_length=16)
    reason_release = ForeignKeyField(Release, null=True, on_delete="SET NULL", backref="+")
    computed_at = DateTimeField()

    class Meta:
        table_name = "recommendation"
        indexes = ((("user", "blend", "rank"), False),)


class SimilarRelease(Model):
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    rank = IntegerField()
    similar = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    score = FloatField()

    class Meta:
        table_name = "similar_release"
        indexes = ((("release", "rank"), False),)


class Forecast(Model):
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+", unique=True)
    daily = TextField()
    spread = FloatField()
    model = CharField(max_length=32)
    start = DateTimeField()

    class Meta:
        table_name = "forecast"


class ForecastReport(Model):
    model = CharField(max_length=32)
    mae = FloatField(null=True)
    coverage = FloatField(null=True)
    points = IntegerField(default=0)
    chosen = IntegerField(default=0)
    computed_at = DateTimeField()

    class Meta:
        table_name = "forecast_report"


class Experiment(Model):
    name = CharField(max_length=80, unique=True)
    description = TextField(default="")
    variants = TextField()
    metric_kind = CharField(max_length=16)
    metric = CharField(max_length=40)
    min_sample = IntegerField(default=20)
    status = CharField(max_length=16, default="running")
    created_at = DateTimeField()
    stopped_at = DateTimeField(null=True)

    class Meta:
        table_name = "experiment"


class ExperimentExposure(Model):
    experiment = ForeignKeyField(Experiment, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    variant = CharField(max_length=40)
    first_at = DateTimeField()

    class Meta:
        table_name = "experiment_exposure"
        indexes = ((("experiment", "user"), True),)


class ExperimentOutcome(Model):
    experiment = ForeignKeyField(Experiment, on_delete="CASCADE", backref="+")
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    variant = CharField(max_length=40)
    value = FloatField()
    at = DateTimeField()

    class Meta:
        table_name = "experiment_outcome"
        indexes = ((("experiment", "user"), True),)


def up(db):
    create_tables(db, Recommendation, SimilarRelease, Forecast, ForecastReport, Experiment,
                  ExperimentExposure, ExperimentOutcome)

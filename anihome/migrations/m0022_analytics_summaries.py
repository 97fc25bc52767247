"""Analytics, second part: all-time summaries per member (dubs, weekday x hour, totals with the
longest streak and active years) kept by the roll-up, so the statistics page reads a few
hundred rows instead of a year of daily rows; and ``analytics_report``, the owner's report
requests built by the ``analytics-reports`` job (status, progress, the finished file)."""
from peewee import (CharField, DateField, DateTimeField, FloatField, ForeignKeyField, IntegerField,
                    Model, TextField)

from .schema import create_tables


class User(Model):
    class Meta:
        table_name = "user"


class Translation(Model):
    class Meta:
        table_name = "translation"


class AnalyticsMemberDub(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    translation = ForeignKeyField(Translation, on_delete="CASCADE", index=True)
    watch_seconds = IntegerField(default=0)
    episodes = IntegerField(default=0)
    sessions = IntegerField(default=0)

    class Meta:
        table_name = "analytics_member_dub"
        indexes = ((("user", "translation"), True),)


class AnalyticsMemberHour(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    weekday = IntegerField()
    hour = IntegerField()
    watch_seconds = IntegerField(default=0)
    sessions = IntegerField(default=0)

    class Meta:
        table_name = "analytics_member_hour"
        indexes = ((("user", "weekday", "hour"), True),)


class AnalyticsMemberSummary(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", unique=True)
    views = IntegerField(default=0)
    watch_seconds = IntegerField(default=0)
    episodes = IntegerField(default=0)
    sessions = IntegerField(default=0)
    active_days = IntegerField(default=0)
    streak_days = IntegerField(default=0)
    streak_first = DateField(null=True)
    streak_last = DateField(null=True)
    years = CharField(max_length=400, default="")

    class Meta:
        table_name = "analytics_member_summary"


class AnalyticsReport(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    name = CharField(max_length=32)
    format = CharField(max_length=8)
    args = TextField(default="{}")
    language = CharField(max_length=8, default="en")
    status = CharField(max_length=16)
    progress = FloatField(null=True)
    progress_text = CharField(max_length=200, default="")
    error = TextField(null=True)
    file_name = CharField(max_length=200, null=True)
    size = IntegerField(null=True)
    rows = IntegerField(null=True)
    created_at = DateTimeField()
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    expires_at = DateTimeField(null=True)

    class Meta:
        table_name = "analytics_report"
        indexes = ((("user", "created_at"), False), (("status",), False))


def up(db):
    create_tables(db, AnalyticsMemberDub, AnalyticsMemberHour, AnalyticsMemberSummary, AnalyticsReport)

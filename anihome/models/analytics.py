"""Analytics tables: the view-event log, daily roll-ups and the member's sharing choice.

These are the tables other areas (recommendations, forecasts) may read; the services in
``anihome.analytics`` are the only writers. Days are calendar days in the household's
TIMEZONE; ``watch_seconds`` is the wall time of viewing sessions (see docs/analytics.md).

- ``ViewEvent`` (``analytics_view``): one row per release page opened (kind ``release``)
  or episode started (kind ``episode``); kept ANALYTICS_VIEW_RETENTION_DAYS days.
- ``DailyMemberRelease`` (``analytics_daily_member_release``): the finest roll-up grain,
  one row per (day, member, release); every other daily table agrees with it.
- ``DailyRelease`` (``analytics_daily_release``): per (day, release), with distinct members.
- ``DailyMember`` (``analytics_daily_member``): per (day, member).
- ``DailyDub`` (``analytics_daily_dub``): per (day, member, translation).
- ``DailyHour`` (``analytics_daily_hour``): per (day, member, local hour) for the heatmap.
- ``MemberRelease`` (``analytics_member_release``): all-time sums per (member, release), first
  and last active day, and progress (episodes watched, latest progress): completion, drop-off,
  favourites and "at risk" read it.
- ``MemberDub``, ``MemberHour``, ``MemberSummary`` (``analytics_member_dub``, ``_hour``,
  ``_summary``): all-time sums per member (per dub, per local weekday x hour; totals, the
  longest streak and the years with activity), rebuilt with the member's other rows.
- ``AnalyticsReport`` (``analytics_report``): a report asked for by the owner or an admin,
  built by the ``analytics-reports`` job; status, progress and the finished file's name.
- ``RollupState`` / ``RollupDirty``: where the incremental roll-up stopped, and members whose
  history was deleted (their days are rolled again).
- ``MemberShare`` (``analytics_member_share``): "share my statistics with the household".
"""
from peewee import (BooleanField, CharField, DateField, DateTimeField, FloatField, ForeignKeyField,
                    IntegerField, TextField)

from .accounts import User
from .base import BaseModel
from .catalog import Release, Translation

VIEW_KINDS = ("release", "episode")


class ViewEvent(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    translation = ForeignKeyField(Translation, null=True, on_delete="SET NULL", backref="+")
    kind = CharField(max_length=8)
    at = DateTimeField()

    class Meta:
        table_name = "analytics_view"
        indexes = ((("user", "at"), False), (("at",), False))


class _Counts(BaseModel):
    views = IntegerField(default=0)
    starts = IntegerField(default=0)
    watch_seconds = IntegerField(default=0)
    episodes = IntegerField(default=0)
    sessions = IntegerField(default=0)


class DailyMemberRelease(_Counts):
    day = DateField()
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")

    class Meta:
        table_name = "analytics_daily_member_release"
        indexes = ((("user", "day", "release"), True), (("day",), False))


class DailyRelease(_Counts):
    day = DateField()
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    members = IntegerField(default=0)

    class Meta:
        table_name = "analytics_daily_release"
        indexes = ((("day", "release"), True), (("release", "day"), False))


class DailyMember(_Counts):
    day = DateField()
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    releases = IntegerField(default=0)

    class Meta:
        table_name = "analytics_daily_member"
        indexes = ((("user", "day"), True), (("day",), False))


class DailyDub(BaseModel):
    day = DateField()
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    translation = ForeignKeyField(Translation, on_delete="CASCADE", backref="+")
    watch_seconds = IntegerField(default=0)
    episodes = IntegerField(default=0)
    sessions = IntegerField(default=0)

    class Meta:
        table_name = "analytics_daily_dub"
        indexes = ((("user", "day", "translation"), True), (("day",), False))


class DailyHour(BaseModel):
    day = DateField()
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    weekday = IntegerField()  # of ``day``, 0 = Monday (the heatmap groups by it in SQL)
    hour = IntegerField()
    watch_seconds = IntegerField(default=0)
    sessions = IntegerField(default=0)

    class Meta:
        table_name = "analytics_daily_hour"
        indexes = ((("user", "day", "hour"), True),)


class MemberRelease(_Counts):
    """All-time totals per (member, release), with the member's progress on it: episodes
    marked watched and the time of their latest progress (from ``watch_progress``)."""
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    first_day = DateField(null=True)
    last_day = DateField(null=True)
    watched_episodes = IntegerField(default=0)
    last_progress_at = DateTimeField(null=True)

    class Meta:
        table_name = "analytics_member_release"
        indexes = ((("user", "release"), True),)


class MemberDub(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    translation = ForeignKeyField(Translation, on_delete="CASCADE", backref="+")
    watch_seconds = IntegerField(default=0)
    episodes = IntegerField(default=0)
    sessions = IntegerField(default=0)

    class Meta:
        table_name = "analytics_member_dub"
        indexes = ((("user", "translation"), True),)


class MemberHour(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    weekday = IntegerField()  # local, 0 = Monday
    hour = IntegerField()
    watch_seconds = IntegerField(default=0)
    sessions = IntegerField(default=0)

    class Meta:
        table_name = "analytics_member_hour"
        indexes = ((("user", "weekday", "hour"), True),)


class MemberSummary(BaseModel):
    """One member's all-time totals, longest streak and the years with activity ("2026,2025")."""
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+", unique=True)
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


REPORT_STATUSES = ("queued", "running", "done", "failed")


class AnalyticsReport(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    name = CharField(max_length=32)
    format = CharField(max_length=8)
    args = TextField(default="{}")  # the query arguments, JSON
    language = CharField(max_length=8, default="en")
    status = CharField(max_length=16)
    progress = FloatField(null=True)
    progress_text = CharField(max_length=200, default="")
    error = TextField(null=True)
    file_name = CharField(max_length=200, null=True)  # under <data dir>/reports
    size = IntegerField(null=True)
    rows = IntegerField(null=True)
    created_at = DateTimeField()
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    expires_at = DateTimeField(null=True)

    def arguments(self) -> dict:
        """The report's checked query arguments."""
        import json

        return json.loads(self.args or "{}")

    class Meta:
        table_name = "analytics_report"
        indexes = ((("user", "created_at"), False), (("status",), False))


class RollupState(BaseModel):
    last_view_id = IntegerField(default=0)
    event_watermark = DateTimeField(null=True)
    timezone = CharField(max_length=64, default="UTC")
    rolled_at = DateTimeField(null=True)

    class Meta:
        table_name = "analytics_rollup_state"


class RollupDirty(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+", unique=True)
    marked_at = DateTimeField()

    class Meta:
        table_name = "analytics_rollup_dirty"


class MemberShare(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+", unique=True)
    share = BooleanField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "analytics_member_share"


ROLLUP_TABLES = (DailyMemberRelease, DailyRelease, DailyMember, DailyDub, DailyHour, MemberRelease,
                 MemberDub, MemberHour, MemberSummary)

"""Analytics: the view-event log, daily roll-ups (per member x release, release, member,
dub, hour), all-time totals per member x release, the roll-up's watermark and dirty members,
and the "share my statistics" choice."""
from peewee import (BooleanField, CharField, DateField, DateTimeField, ForeignKeyField,
                    IntegerField, Model)

from .schema import create_tables


class User(Model):
    class Meta:
        table_name = "user"


class Release(Model):
    class Meta:
        table_name = "release"


class Translation(Model):
    class Meta:
        table_name = "translation"


class AnalyticsView(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
    translation = ForeignKeyField(Translation, null=True, on_delete="SET NULL", index=True)
    kind = CharField(max_length=8)
    at = DateTimeField()

    class Meta:
        table_name = "analytics_view"
        indexes = ((("user", "at"), False), (("at",), False))


class AnalyticsDailyMemberRelease(Model):
    day = DateField()
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
    views = IntegerField(default=0)
    starts = IntegerField(default=0)
    watch_seconds = IntegerField(default=0)
    episodes = IntegerField(default=0)
    sessions = IntegerField(default=0)

    class Meta:
        table_name = "analytics_daily_member_release"
        indexes = ((("user", "day", "release"), True), (("day",), False))


class AnalyticsDailyRelease(Model):
    day = DateField()
    release = ForeignKeyField(Release, on_delete="CASCADE", index=False)
    views = IntegerField(default=0)
    starts = IntegerField(default=0)
    watch_seconds = IntegerField(default=0)
    episodes = IntegerField(default=0)
    sessions = IntegerField(default=0)
    members = IntegerField(default=0)

    class Meta:
        table_name = "analytics_daily_release"
        indexes = ((("day", "release"), True), (("release", "day"), False))


class AnalyticsDailyMember(Model):
    day = DateField()
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    views = IntegerField(default=0)
    starts = IntegerField(default=0)
    watch_seconds = IntegerField(default=0)
    episodes = IntegerField(default=0)
    sessions = IntegerField(default=0)
    releases = IntegerField(default=0)

    class Meta:
        table_name = "analytics_daily_member"
        indexes = ((("user", "day"), True), (("day",), False))


class AnalyticsDailyDub(Model):
    day = DateField()
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    translation = ForeignKeyField(Translation, on_delete="CASCADE", index=True)
    watch_seconds = IntegerField(default=0)
    episodes = IntegerField(default=0)
    sessions = IntegerField(default=0)

    class Meta:
        table_name = "analytics_daily_dub"
        indexes = ((("user", "day", "translation"), True), (("day",), False))


class AnalyticsDailyHour(Model):
    day = DateField()
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    weekday = IntegerField()
    hour = IntegerField()
    watch_seconds = IntegerField(default=0)
    sessions = IntegerField(default=0)

    class Meta:
        table_name = "analytics_daily_hour"
        indexes = ((("user", "day", "hour"), True),)


class AnalyticsMemberRelease(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
    views = IntegerField(default=0)
    starts = IntegerField(default=0)
    watch_seconds = IntegerField(default=0)
    episodes = IntegerField(default=0)
    sessions = IntegerField(default=0)
    first_day = DateField(null=True)
    last_day = DateField(null=True)
    watched_episodes = IntegerField(default=0)
    last_progress_at = DateTimeField(null=True)

    class Meta:
        table_name = "analytics_member_release"
        indexes = ((("user", "release"), True),)


class AnalyticsRollupState(Model):
    last_view_id = IntegerField(default=0)
    event_watermark = DateTimeField(null=True)
    timezone = CharField(max_length=64, default="UTC")
    rolled_at = DateTimeField(null=True)

    class Meta:
        table_name = "analytics_rollup_state"


class AnalyticsRollupDirty(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", unique=True)
    marked_at = DateTimeField()

    class Meta:
        table_name = "analytics_rollup_dirty"


class AnalyticsMemberShare(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", unique=True)
    share = BooleanField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "analytics_member_share"


def up(db):
    create_tables(db, AnalyticsView, AnalyticsDailyMemberRelease, AnalyticsDailyRelease,
                  AnalyticsDailyMember, AnalyticsDailyDub, AnalyticsDailyHour,
                  AnalyticsMemberRelease, AnalyticsRollupState, AnalyticsRollupDirty, AnalyticsMemberShare)

"""A member's own watching data: progress, history, list entries, favorites, collections.

Progress is kept per (member, release, season, episode number), not per Kodik episode row:
switching dubs keeps the place, and a sync that rebuilds episode rows never loses it. A
movie is season 1, episode 1. ``WatchEvent`` rows are the history: one row per viewing
session of an episode (new sessions append rows; the open session's row is extended).
"""
from peewee import (BooleanField, CharField, DateField, DateTimeField, FloatField,
                    ForeignKeyField, IntegerField, TextField)

from .accounts import User
from .base import BaseModel
from .catalog import Release, Translation

LIST_STATUSES = ("watching", "planned", "completed", "on_hold", "dropped", "rewatching")
VISIBILITIES = ("private", "household")


class WatchProgress(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    translation = ForeignKeyField(Translation, null=True, on_delete="SET NULL", backref="+")
    season = IntegerField()
    number = IntegerField()
    position = FloatField(default=0)
    duration = FloatField(null=True)
    watched = BooleanField(default=False)
    watched_at = DateTimeField(null=True)
    updated_at = DateTimeField()

    class Meta:
        table_name = "watch_progress"
        indexes = ((("user", "release", "season", "number"), True),
                   (("user", "updated_at"), False))

    @property
    def percent(self) -> int:
        if self.watched:
            return 100
        if not self.duration:
            return 0
        return max(0, min(100, int(self.position * 100 / self.duration)))


class WatchEvent(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    translation = ForeignKeyField(Translation, null=True, on_delete="SET NULL", backref="+")
    season = IntegerField()
    number = IntegerField()
    started_at = DateTimeField()
    ended_at = DateTimeField()
    position = FloatField(default=0)
    duration = FloatField(null=True)
    completed = BooleanField(default=False)

    class Meta:
        table_name = "watch_event"
        indexes = ((("user", "ended_at"), False),)


class ReleaseChoice(BaseModel):
    """The translation (dub) a member chose for a release."""
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    translation = ForeignKeyField(Translation, on_delete="CASCADE", backref="+")
    updated_at = DateTimeField()

    class Meta:
        table_name = "release_choice"
        indexes = ((("user", "release"), True),)


class ListEntry(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    status = CharField(max_length=16)
    score = IntegerField(null=True)
    rewatch_count = IntegerField(default=0)
    episodes_watched = IntegerField(default=0)
    manual = BooleanField(default=False)
    started_on = DateField(null=True)
    finished_on = DateField(null=True)
    notes = TextField(default="")
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "list_entry"
        indexes = ((("user", "release"), True),
                   (("user", "status", "updated_at"), False))


class Favorite(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    created_at = DateTimeField()

    class Meta:
        table_name = "favorite"
        indexes = ((("user", "release"), True),)


class Collection(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    name = CharField(max_length=100)
    description = TextField(default="")
    visibility = CharField(max_length=16, default="private")
    position = IntegerField(default=0)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "collection"
        indexes = ((("user", "position"), False),)


class CollectionItem(BaseModel):
    collection = ForeignKeyField(Collection, on_delete="CASCADE", backref="items")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    position = IntegerField(default=0)
    added_at = DateTimeField()

    class Meta:
        table_name = "collection_item"
        indexes = ((("collection", "release"), True),
                   (("collection", "position"), False))


class ContinueHidden(BaseModel):
    """A release removed (hidden_until NULL) or snoozed from a member's continue-watching row.

    Any new progress on the release deletes the row, so it comes back when watched again."""
    user = ForeignKeyField(User, on_delete="CASCADE", backref="+")
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    hidden_until = DateTimeField(null=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "continue_hidden"
        indexes = ((("user", "release"), True),)

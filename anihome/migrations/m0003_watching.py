"""Watching and lists: progress, history (watch events), chosen translation per release,
list entries, favorites, collections with ordered items, continue-watching hides."""
from peewee import (BooleanField, CharField, DateField, DateTimeField, FloatField,
                    ForeignKeyField, IntegerField, Model, TextField)

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


class WatchProgress(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
    translation = ForeignKeyField(Translation, null=True, on_delete="SET NULL", index=True)
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


class WatchEvent(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
    translation = ForeignKeyField(Translation, null=True, on_delete="SET NULL", index=True)
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


class ReleaseChoice(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
    translation = ForeignKeyField(Translation, on_delete="CASCADE", index=True)
    updated_at = DateTimeField()

    class Meta:
        table_name = "release_choice"
        indexes = ((("user", "release"), True),)


class ListEntry(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
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


class Favorite(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "favorite"
        indexes = ((("user", "release"), True),)


class Collection(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    name = CharField(max_length=100)
    description = TextField(default="")
    visibility = CharField(max_length=16, default="private")
    position = IntegerField(default=0)
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "collection"
        indexes = ((("user", "position"), False),)


class CollectionItem(Model):
    collection = ForeignKeyField(Collection, on_delete="CASCADE", index=False)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
    position = IntegerField(default=0)
    added_at = DateTimeField()

    class Meta:
        table_name = "collection_item"
        indexes = ((("collection", "release"), True),
                   (("collection", "position"), False))


class ContinueHidden(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", index=False)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
    hidden_until = DateTimeField(null=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "continue_hidden"
        indexes = ((("user", "release"), True),)


def up(db):
    create_tables(db, WatchProgress, WatchEvent, ReleaseChoice, ListEntry, Favorite, Collection,
                  CollectionItem, ContinueHidden)

"""Catalog UI: a title-prefix index for 1-2 character search, and per-member iCal feed tokens."""
from peewee import CharField, CompositeKey, DateTimeField, FloatField, ForeignKeyField, Model

from .schema import create_tables


class Release(Model):
    class Meta:
        table_name = "release"


class User(Model):
    class Meta:
        table_name = "user"


class ReleasePrefix(Model):
    prefix = CharField(max_length=2)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
    popularity = FloatField(default=0)

    class Meta:
        table_name = "release_prefix"
        primary_key = CompositeKey("prefix", "release")
        indexes = ((("prefix", "popularity"), False),)


class CalendarFeed(Model):
    user = ForeignKeyField(User, on_delete="CASCADE", unique=True)
    token = CharField(max_length=64, unique=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "calendar_feed"


def up(db):
    create_tables(db, ReleasePrefix, CalendarFeed)

"""Tables behind the catalog UI: the short-prefix search index and iCal feed tokens.

``ReleasePrefix`` holds the first one and two characters of each normalised title of a
release (with its popularity), so 1-2 character search is an index range scan; it is kept
in step by ``anihome.catalog.search_index.reindex_releases``. ``CalendarFeed`` holds one
random, revocable token per member for the personal iCal feed URL.
"""
from peewee import CharField, CompositeKey, DateTimeField, FloatField, ForeignKeyField

from .accounts import User
from .base import BaseModel
from .catalog import Release


class ReleasePrefix(BaseModel):
    prefix = CharField(max_length=2)
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="+")
    popularity = FloatField(default=0)

    class Meta:
        table_name = "release_prefix"
        primary_key = CompositeKey("prefix", "release")


class CalendarFeed(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE", unique=True, backref="+")
    token = CharField(max_length=64, unique=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "calendar_feed"

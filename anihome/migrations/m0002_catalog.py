"""Catalog: releases (one per title), translations (one per Kodik item), episodes, genres,
studios, and the FTS5 trigram search index (SQLite only)."""
from peewee import (BooleanField, CharField, CompositeKey, DateField, DateTimeField, FloatField,
                    ForeignKeyField, IntegerField, Model, TextField)

from ..db import is_sqlite
from .schema import create_tables


class Release(Model):
    key = CharField(max_length=40, unique=True)
    shikimori_id = CharField(max_length=20, null=True, index=True)
    kinopoisk_id = CharField(max_length=20, null=True, index=True)
    imdb_id = CharField(max_length=20, null=True)
    title = CharField(max_length=300)
    title_orig = CharField(max_length=300, default="")
    title_en = CharField(max_length=300, default="")
    other_titles = TextField(default="[]")
    sort_title = CharField(max_length=300, index=True)
    franchise = CharField(max_length=300, default="", index=True)
    kind = CharField(max_length=16, default="", index=True)
    status = CharField(max_length=16, default="", index=True)
    year = IntegerField(null=True, index=True)
    description = TextField(default="")
    poster_url = CharField(max_length=500, default="")
    duration = IntegerField(null=True)
    episodes_total = IntegerField(null=True)
    episodes_aired = IntegerField(null=True)
    rating = FloatField(null=True, index=True)
    votes = IntegerField(default=0)
    shikimori_rating = FloatField(null=True)
    shikimori_votes = IntegerField(null=True)
    kinopoisk_rating = FloatField(null=True)
    kinopoisk_votes = IntegerField(null=True)
    imdb_rating = FloatField(null=True)
    imdb_votes = IntegerField(null=True)
    rating_mpaa = CharField(max_length=8, default="")
    minimal_age = IntegerField(null=True)
    age_limit = IntegerField(null=True, index=True)
    aired_on = DateField(null=True)
    released_on = DateField(null=True)
    next_episode_at = DateTimeField(null=True, index=True)
    popularity = FloatField(default=0, index=True)
    available = BooleanField(default=True, index=True)
    first_seen_at = DateTimeField(index=True)
    kodik_updated_at = DateTimeField(index=True)
    updated_at = DateTimeField()

    class Meta:
        table_name = "release"


class Translation(Model):
    kodik_id = CharField(max_length=30, unique=True)
    release = ForeignKeyField(Release, on_delete="CASCADE", index=True)
    kodik_type = CharField(max_length=20)
    team_id = IntegerField(index=True)
    team = CharField(max_length=120)
    voice = BooleanField(default=True)
    quality = CharField(max_length=40, default="")
    link = CharField(max_length=300)
    last_season = IntegerField(null=True)
    last_episode = IntegerField(null=True)
    episodes_count = IntegerField(null=True)
    blocked_seasons = TextField(default="{}")
    blocked_countries = TextField(default="[]")
    camrip = BooleanField(default=False)
    available = BooleanField(default=True, index=True)
    kodik_created_at = DateTimeField()
    kodik_updated_at = DateTimeField(index=True)
    synced_at = DateTimeField()

    class Meta:
        table_name = "translation"


class Episode(Model):
    translation = ForeignKeyField(Translation, on_delete="CASCADE")
    season = IntegerField()
    number = IntegerField()
    title = CharField(max_length=200, default="")
    link = CharField(max_length=300)

    class Meta:
        table_name = "episode"
        indexes = ((("translation", "season", "number"), True),)


class Genre(Model):
    name = CharField(max_length=60, unique=True)
    slug = CharField(max_length=60, unique=True)

    class Meta:
        table_name = "genre"


class Studio(Model):
    name = CharField(max_length=120, unique=True)
    slug = CharField(max_length=120, unique=True)

    class Meta:
        table_name = "studio"


class ReleaseGenre(Model):
    release = ForeignKeyField(Release, on_delete="CASCADE")
    genre = ForeignKeyField(Genre, on_delete="CASCADE", index=True)

    class Meta:
        table_name = "release_genre"
        primary_key = CompositeKey("release", "genre")


class ReleaseStudio(Model):
    release = ForeignKeyField(Release, on_delete="CASCADE")
    studio = ForeignKeyField(Studio, on_delete="CASCADE", index=True)

    class Meta:
        table_name = "release_studio"
        primary_key = CompositeKey("release", "studio")


def up(db):
    create_tables(db, Release, Translation, Episode, Genre, Studio, ReleaseGenre, ReleaseStudio)
    db.execute_sql('CREATE INDEX release_available_updated ON "release" (available, kodik_updated_at)')
    db.execute_sql('CREATE INDEX translation_release_available ON "translation" (release_id, available)')
    if is_sqlite(db):
        # Trigram FTS over the normalised titles; rowid = release.id. Kept in step by the catalog
        # search index service, not by triggers, so bulk syncs can batch it.
        db.execute_sql("CREATE VIRTUAL TABLE release_search USING fts5(text, tokenize='trigram')")

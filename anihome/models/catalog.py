"""The catalog: one Release per title, one Translation per Kodik item, Episodes per translation.

Release.key is ``shiki:<shikimori_id>``, else ``kp:<kinopoisk_id>``, else ``kodik:<item id>``.
JSON-in-text columns (other_titles, blocked_seasons, blocked_countries) hold small lists/maps.
``age_limit`` is the age in years derived from minimal_age / rating_mpaa (None = unknown).
``release_search`` (FTS5, SQLite only) is maintained by the catalog search service.
"""
import json

from peewee import (BooleanField, CharField, CompositeKey, DateField, DateTimeField, FloatField,
                    ForeignKeyField, IntegerField, TextField)

from .base import BaseModel

KINDS = ("tv", "movie", "ova", "ona", "special", "music", "tv_13", "tv_24", "tv_48")
STATUSES = ("anons", "ongoing", "released")


class Release(BaseModel):
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
    #: updated_at of the Kodik item whose material_data last filled this row (m0007; sync only).
    meta_updated_at = DateTimeField(null=True)

    class Meta:
        table_name = "release"


class Translation(BaseModel):
    kodik_id = CharField(max_length=30, unique=True)
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="translations")
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
    synced_at = DateTimeField(index=True)  # index added by m0007 (sync finds stale rows)

    class Meta:
        table_name = "translation"

    @property
    def is_movie(self) -> bool:
        return self.kodik_id.startswith("movie-")

    @property
    def blocked_map(self) -> dict | str:
        """Kodik's blocked_seasons: "all", or {"season": "all" | ["episode", ...]} ({} = none)."""
        try:
            value = json.loads(self.blocked_seasons or "{}")
        except ValueError:
            return {}
        return value if value == "all" or isinstance(value, dict) else {}

    def is_blocked(self, season: int | None = None, number: int | None = None) -> bool:
        """Whether the rights holder blocked this episode (or, without ``number``, the whole
        season; without ``season``, the latest season) in this translation."""
        blocked = self.blocked_map
        if blocked == "all":
            return True
        if season is None:
            season = self.last_season if self.last_season is not None else 1
        entry = blocked.get(str(season))
        if entry == "all":
            return True
        return number is not None and isinstance(entry, list) and str(number) in map(str, entry)


class Episode(BaseModel):
    translation = ForeignKeyField(Translation, on_delete="CASCADE", backref="episodes", index=False)  # m0007
    season = IntegerField()
    number = IntegerField()
    title = CharField(max_length=200, default="")
    link = CharField(max_length=300)

    class Meta:
        table_name = "episode"
        indexes = ((("translation", "season", "number"), True),)


class Genre(BaseModel):
    name = CharField(max_length=60, unique=True)
    slug = CharField(max_length=60, unique=True)

    class Meta:
        table_name = "genre"


class Studio(BaseModel):
    name = CharField(max_length=120, unique=True)
    slug = CharField(max_length=120, unique=True)

    class Meta:
        table_name = "studio"


class ReleaseGenre(BaseModel):
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="genre_links")
    genre = ForeignKeyField(Genre, on_delete="CASCADE", backref="release_links")

    class Meta:
        table_name = "release_genre"
        primary_key = CompositeKey("release", "genre")


class ReleaseStudio(BaseModel):
    release = ForeignKeyField(Release, on_delete="CASCADE", backref="studio_links")
    studio = ForeignKeyField(Studio, on_delete="CASCADE", backref="release_links")

    class Meta:
        table_name = "release_studio"
        primary_key = CompositeKey("release", "studio")

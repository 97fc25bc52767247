"""Kodik sync: remember which Kodik item last filled a release's metadata (its updated_at),
so an older item never overwrites newer metadata; index translation.synced_at so the sync
finds stale translations; drop episode's single-column translation index, which the
unique (translation, season, number) index already covers (it cost a third of the
episode insert time in a full sync)."""
from peewee import DateTimeField
from playhouse.migrate import SchemaMigrator, migrate


def up(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("release", "meta_updated_at", DateTimeField(null=True)),
        migrator.add_index("translation", ("synced_at",), False),
        migrator.drop_index("episode", "episode_translation_id"),
    )

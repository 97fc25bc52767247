"""Kodik sync: remember which Kodik item last filled a release's metadata (its updated_at),
so an older item never overwrites newer metadata, and the sync can find stale translations."""
from peewee import DateTimeField
from playhouse.migrate import SchemaMigrator, migrate


def up(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("release", "meta_updated_at", DateTimeField(null=True)),
        migrator.add_index("translation", ("synced_at",), False),
    )

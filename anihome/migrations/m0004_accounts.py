"""Accounts extras: an invite can be revoked (kept for the record instead of deleted)."""
from peewee import DateTimeField
from playhouse.migrate import SchemaMigrator, migrate


def up(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("invite", "revoked_at", DateTimeField(null=True)))

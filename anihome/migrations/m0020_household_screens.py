"""Household screens and profile PINs ("Who's watching?").

``user.pin_hash`` (a scrypt hash of a member's 4-digit PIN, NULL for none) and
``user.pin_set_at``; ``household_screen``: one row per device the owner marked as a shared
screen (a TV, a tablet), keyed by the SHA-256 of the random token in its cookie, revoked by
deleting the row.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, Model
from playhouse.migrate import SchemaMigrator, migrate

from .schema import create_tables


class User(Model):
    class Meta:
        table_name = "user"


class HouseholdScreen(Model):
    key_hash = CharField(max_length=64, unique=True)
    created_by = ForeignKeyField(User, on_delete="CASCADE", index=True)
    user_agent = CharField(max_length=200, default="")
    address = CharField(max_length=64, default="")
    created_at = DateTimeField()
    last_used_at = DateTimeField(null=True)

    class Meta:
        table_name = "household_screen"


def up(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("user", "pin_hash", CharField(max_length=255, null=True)),
            migrator.add_column("user", "pin_set_at", DateTimeField(null=True)))
    create_tables(db, HouseholdScreen)

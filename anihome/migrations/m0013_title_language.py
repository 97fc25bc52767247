"""A member's title language: which of a release's titles the pages show first.

``user.title_language`` is "ru" (Russian, Kodik's main title), "romaji" (the original title
in Latin letters) or "en" (the English title); NULL means Russian, as before.
"""
from peewee import CharField
from playhouse.migrate import SchemaMigrator, migrate


def up(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("user", "title_language", CharField(max_length=8, null=True)))

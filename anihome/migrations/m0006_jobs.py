"""Jobs: remember which process runs a job (so runs left by a dead process are marked
interrupted) and index run history by job and start time."""
from peewee import IntegerField
from playhouse.migrate import SchemaMigrator, migrate


def up(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("job_run", "pid", IntegerField(null=True)),
        migrator.add_index("job_run", ("job_id", "started_at"), False),
    )

"""Jobs: remember which incarnation of a process runs a job, not only its pid.

A pid is reused after a reboot (or just by chance), so ``job_run.process_start`` keeps an
identity of the running process (the boot id and the process start time on Linux). A
``running`` row whose process identity no longer matches is a run left by a dead process.
"""
from peewee import CharField
from playhouse.migrate import SchemaMigrator, migrate


def up(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("job_run", "process_start", CharField(max_length=80, null=True)))

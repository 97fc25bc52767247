"""A record of every job run: status, timing, progress, counts and error text."""
import json

from peewee import CharField, DateTimeField, FloatField, IntegerField, TextField

from .base import BaseModel


class JobRun(BaseModel):
    job_id = CharField(max_length=60, index=True)
    trigger = CharField(max_length=16, default="schedule")
    status = CharField(max_length=16, default="running", index=True)
    started_at = DateTimeField(index=True)
    finished_at = DateTimeField(null=True)
    progress = FloatField(null=True)
    progress_text = CharField(max_length=200, default="")
    counts = TextField(default="{}")
    error = TextField(null=True)
    #: The process executing the run (m0006), to tell a live run from one left by a crash.
    pid = IntegerField(null=True)
    #: Boot id and start time of that process (m0017), so a reused pid is not mistaken for it.
    process_start = CharField(max_length=80, null=True)

    class Meta:
        table_name = "job_run"
        indexes = ((("job_id", "started_at"), False),)

    @property
    def counts_dict(self) -> dict:
        try:
            return json.loads(self.counts or "{}")
        except ValueError:
            return {}

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

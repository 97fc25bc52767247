"""The job registry: which jobs exist, what they run and when, built per app from settings.

A job is a plain function ``fn(ctx: JobContext)`` plus a ``JobSpec`` saying when it runs.
Each area that owns jobs has a provider module with ``jobs(settings) -> list[JobSpec]``;
listing the module in ``JOB_PROVIDERS`` is the only registration step. The registry is a
plain dict built for one app (``registry_of(app)``), never a module-level mutable.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable, Mapping

# Modules with ``jobs(settings) -> list[JobSpec]``. Add yours with a one-line edit.
JOB_PROVIDERS: tuple[str, ...] = (
    "anihome.jobs.housekeeping",
    "anihome.jobs.backup",
    "anihome.kodik.jobs",
    "anihome.learn.job",
    "anihome.artwork.jobs",
    "anihome.ops.jobs",
    "anihome.analytics.jobs",
    "anihome.notify.jobs",
)


class RegistryError(ValueError):
    """A job spec is malformed or two providers registered the same job id."""


@dataclass(frozen=True)
class JobSpec:
    """One job: an id, the function to run, and when the scheduler runs it.

    ``interval_minutes`` or ``cron`` (a crontab line such as ``"30 3 * * *"``, in the
    household's TIMEZONE) sets the schedule; neither means "run on demand only".
    ``enabled=False`` keeps the job listed and runnable by hand but unscheduled;
    ``setting`` names the setting that controls the schedule, shown to the admin.
    ``catch_up`` runs the job once shortly after start-up when a scheduled time passed
    since its last run (the box was off at 03:30); jobs that never ran are not caught up.
    ``coalesce_idle`` is for frequent jobs (every minute): a scheduled run that did nothing
    (every count 0) replaces the idle scheduled run just before it, so the history keeps the
    runs that did something plus one row for each stretch of idle ones (its ``idle_runs``
    count says how many it stands for), instead of 1,440 rows a day.
    """

    id: str
    function: Callable[[Any], Any]
    description: str
    interval_minutes: int | None = None
    cron: str | None = None
    enabled: bool = True
    setting: str | None = None
    misfire_grace_seconds: int = 600
    #: Run once soon after start when a scheduled time passed while the server was down.
    catch_up: bool = True
    #: A failed run notifies the owner (at most once a day per job): backups, syncs, integrity.
    alert_owner: bool = False
    #: Fold consecutive idle scheduled runs into one history row (see above).
    coalesce_idle: bool = False

    def __post_init__(self) -> None:
        if not self.id or not self.id.replace("-", "").replace("_", "").isalnum():
            raise RegistryError(f"job id {self.id!r}: use letters, digits, '-' and '_'")
        if self.interval_minutes is not None and self.cron:
            raise RegistryError(f"job {self.id}: give interval_minutes or cron, not both")
        if self.interval_minutes is not None and self.interval_minutes <= 0:
            raise RegistryError(f"job {self.id}: interval_minutes must be positive")
        if self.cron:
            from apscheduler.triggers.cron import CronTrigger

            try:
                CronTrigger.from_crontab(self.cron)
            except ValueError as exc:
                where = f" (setting {self.setting})" if self.setting else ""
                raise RegistryError(f"job {self.id}{where}: bad cron line {self.cron!r}: {exc}") from None

    @property
    def scheduled(self) -> bool:
        """True when the scheduler should run this job by itself."""
        return self.enabled and (self.interval_minutes is not None or bool(self.cron))

    @property
    def daily_at(self) -> str | None:
        """"HH:MM" when the cron line means once a day at a fixed time, else None."""
        fields = (self.cron or "").split()
        if (self.scheduled and len(fields) == 5 and fields[2:] == ["*", "*", "*"]
                and fields[0].isdigit() and fields[1].isdigit()):
            return f"{int(fields[1]):02d}:{int(fields[0]):02d}"
        return None

    @property
    def schedule_text(self) -> str:
        """A short, language-neutral description of the trigger (for pages and the CLI)."""
        if not self.scheduled:
            return "manual"
        if self.interval_minutes is not None:
            return f"every {self.interval_minutes} min"
        return f"cron {self.cron}"


def build_registry(settings: Mapping[str, Any],
                   providers: tuple[str, ...] | None = None) -> dict[str, JobSpec]:
    """Collect the job specs of every provider module (JOB_PROVIDERS by default), in order."""
    registry: dict[str, JobSpec] = {}
    for name in JOB_PROVIDERS if providers is None else providers:
        for spec in import_module(name).jobs(settings):
            if spec.id in registry:
                raise RegistryError(f"job {spec.id!r} registered twice (second by {name})")
            registry[spec.id] = spec
    return registry


def cron_setting(value: str) -> str | None:
    """A cron schedule setting: an empty value (or "off") disables the schedule."""
    text = (value or "").strip()
    return None if text.lower() in {"", "off", "none", "0"} else text

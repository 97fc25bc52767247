"""``anihome job list`` and ``anihome job run NAME`` (``anihome backup`` is in ``backups.py``).

``job run`` runs the job in this process, records it like any other run (trigger "cli"),
and exits non-zero with the job's error when it fails. A job already running in the
server is refused rather than run twice.
"""
from __future__ import annotations

import json

import click

from ..dates import display


def _fmt(value) -> str:
    return display(value, empty="-")


def _run_and_report(app, job_id: str, summary_to_stderr: bool = False):
    from ..errors import AppError
    from ..jobs.runner import run_job

    try:
        run = run_job(app, job_id, "cli")
    except AppError as exc:
        raise click.ClickException(exc.message) from None
    counts = json.loads(run.counts or "{}")
    summary = " ".join(f"{name}={value}" for name, value in sorted(counts.items()))
    duration = f"{run.duration_seconds:.2f}s" if run.duration_seconds is not None else "-"
    if run.status != "succeeded":
        raise click.ClickException(f"job {job_id} {run.status} after {duration} (run {run.id}): {run.error}")
    click.echo(f"job {job_id} succeeded in {duration} (run {run.id}) {summary}".rstrip(),
               err=summary_to_stderr)
    return run


def register(cli: click.Group) -> None:
    @cli.group()
    def job():
        """List and run scheduled jobs."""

    @job.command("list")
    def list_jobs():
        """Every job with its schedule, next planned run and last run."""
        from ..jobs.history import latest_runs, local_time
        from ..jobs.scheduler import planned_next_run
        from ..jobs.state import registry_of
        from .context import app_context

        with app_context() as app:
            latest = latest_runs()
            timezone = app.config["TIMEZONE"]
            rows = [("JOB", "SCHEDULE", f"NEXT ({timezone})", "LAST RUN", "STATUS")]
            for spec in registry_of(app).values():
                last = latest.get(spec.id)
                rows.append((spec.id, spec.schedule_text, _fmt(planned_next_run(spec, timezone)),
                             _fmt(local_time(last.started_at, timezone) if last else None),
                             last.status if last else "never run"))
            widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
            for row in rows:
                click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())

    @job.command("run")
    @click.argument("name")
    def run(name):
        """Run job NAME now, in this process; exit non-zero when it fails."""
        from .context import app_context

        with app_context() as app:
            _run_and_report(app, name)

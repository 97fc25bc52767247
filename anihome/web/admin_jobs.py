"""Admin: scheduled jobs, their next runs and history, "Run now", and one run's live progress.

Queries live in ``anihome.jobs.history``; running goes through ``anihome.jobs.runner``.
The run page polls ``GET /api/v1/admin/jobs/runs/<id>`` for progress.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from ..security.access import access
from ..jobs import history
from flask_login import current_user

from ..errors import AppError
from ..jobs.runner import JobAlreadyRunning, UnknownJob, clear_run, start_job_in_background
from ..jobs.state import registry_of
from .job_counts import count_label, count_labels
from .progress_text import matchers, translated_progress
from .schedules import local_time, schedule_words
from .templating import current_language, gettext as _

bp = Blueprint("admin_jobs", __name__, url_prefix="/admin/jobs")
bp.add_app_template_filter(schedule_words, "schedule_words")
bp.add_app_template_filter(local_time, "local_time")
bp.add_app_template_filter(count_label, "count_label")
bp.add_app_template_global(count_labels, "count_labels")


@bp.app_template_filter("progress_text")
def _progress_text(text: str | None) -> str:
    """A job's stored progress text in the page's language (``web.progress_text``)."""
    return translated_progress(text, current_language())


@bp.app_template_global("progress_matchers")
def _progress_matchers() -> list[list[str]]:
    return matchers(current_language())

HISTORY_LIMIT = 50


@bp.get("/")
@access("admin")
def index():
    """Every registered job (schedule, next run, last status) and the recent run history."""
    job_id = request.args.get("job") or None
    if job_id is not None and job_id not in registry_of(current_app):
        abort(404)
    return render_template(
        "admin/jobs.html", jobs=history.job_rows(current_app),
        runs=history.recent_runs(job_id, HISTORY_LIMIT), job_filter=job_id,
        scheduler_running=history.scheduler_running(current_app),
        timezone=current_app.config["TIMEZONE"], local=_local)


@bp.post("/<job_id>/run")
@access("admin")
def run_now(job_id: str):
    """Start a run in the background and show its page; a job already running is shown instead."""
    try:
        run = start_job_in_background(current_app, job_id, "manual")
    except UnknownJob:
        abort(404)
    except JobAlreadyRunning as exc:
        flash(_("This job is already running; here is the current run."), "warning")
        return redirect(url_for(".run", run_id=exc.run.id))
    flash(_("The job was started."), "success")
    return redirect(url_for(".run", run_id=run.id))


@bp.post("/runs/<int:run_id>/clear")
@access("admin")
def clear(run_id: int):
    """Mark a stuck run as interrupted, so its job can run again."""
    try:
        clear_run(current_app, run_id, current_user.username)
    except AppError as exc:
        if exc.status == 404:
            abort(404)
        flash(exc.message, "warning")
    else:
        flash(_("The run was marked as interrupted; the job can run again."), "success")
    return redirect(url_for(".run", run_id=run_id))


@bp.get("/runs/<int:run_id>")
@access("admin")
def run(run_id: int):
    """One run: status, timing, counts, error text, and live progress while it runs."""
    job_run = history.get_run(run_id)
    spec = registry_of(current_app).get(job_run.job_id)
    return render_template("admin/job_run.html", run=job_run, spec=spec,
                           poll_url=url_for("api.admin_job_run", run_id=run_id),
                           timezone=current_app.config["TIMEZONE"], local=_local)


def _local(value):
    return history.local_time(value, current_app.config["TIMEZONE"])

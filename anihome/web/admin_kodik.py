"""Admin: the Kodik page — token (masked), schedule, "sync now", live progress, run history.

Views are thin: the page renders ``kodik.status.sync_status``; the buttons start the
Kodik jobs through the jobs runner in a background thread; the progress bar polls
``GET /api/v1/admin/kodik/status``. ``POST /admin/kodik/demo`` loads the demo catalog
(offered on first run while no token is set).
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from ..security.access import access
from ..errors import AppError
from ..jobs.runner import JobAlreadyRunning, start_job_in_background
from ..kodik import settings as kodik_settings
from ..kodik.jobs import DEMO_JOB, FULL_JOB, INCREMENTAL_JOB
from ..kodik.status import sync_status
from .templating import gettext as _

bp = Blueprint("admin_kodik", __name__, url_prefix="/admin/kodik")

MODES = {"incremental": INCREMENTAL_JOB, "full": FULL_JOB}


def _page(status_code: int = 200, token_error: str | None = None):
    return render_template("admin/kodik.html", status=sync_status(current_app), token_error=token_error,
                           poll_url=url_for("api.admin_kodik_status")), status_code


@bp.get("/")
@access("admin")
def index():
    """Token, schedule, live progress and history of the Kodik sync."""
    return _page()


@bp.post("/token")
@access("admin")
def save_token():
    """Store a new token (never shown again in full); bad input changes nothing."""
    try:
        kodik_settings.save_token(request.form.get("token", ""))
    except AppError as exc:
        return _page(400, token_error=_(exc.message))
    flash(_("The Kodik token was saved."), "success")
    return redirect(url_for(".index"))


@bp.post("/token/clear")
@access("admin")
def clear_token():
    """Forget the token entered here (the KODIK_TOKEN setting applies again, if set)."""
    kodik_settings.clear_token()
    flash(_("The Kodik token entered here was removed."), "success")
    return redirect(url_for(".index"))


def _start(job_id: str, started_message: str):
    try:
        start_job_in_background(current_app, job_id, "manual")
    except JobAlreadyRunning:
        flash(_("A Kodik sync is already running; its progress is shown below."), "warning")
    else:
        flash(started_message, "success")
    return redirect(url_for(".index"))


@bp.post("/sync")
@access("admin")
def sync_now():
    """Start a full or incremental sync in the background."""
    job_id = MODES.get(request.form.get("mode", ""))
    if job_id is None:
        flash(_("Choose a full or an incremental sync."), "error")
        return redirect(url_for(".index")), 303
    return _start(job_id, _("The sync was started."))


@bp.post("/demo")
@access("admin")
def load_demo():
    """Load the offline demo catalog in the background."""
    return _start(DEMO_JOB, _("Loading the demo catalog…"))

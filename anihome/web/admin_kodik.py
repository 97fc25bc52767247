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
from ..kodik.connection import TokenCheckFailed
from ..kodik.jobs import DEMO_JOB, FULL_JOB, INCREMENTAL_JOB
from ..jobs.state import registry_of
from ..kodik.status import sync_status
from .templating import gettext as _

bp = Blueprint("admin_kodik", __name__, url_prefix="/admin/kodik")

MODES = {"incremental": INCREMENTAL_JOB, "full": FULL_JOB}


def _page(status_code: int = 200, token_error: str | None = None, offer_untested: bool = False):
    return render_template("admin/kodik.html", status=sync_status(current_app), token_error=token_error,
                           offer_untested=offer_untested, specs=registry_of(current_app),
                           poll_url=url_for("api.admin_kodik_status")), status_code


def _works(check) -> str:
    if check.total:
        return _("Kodik accepted the token: %(n)s titles are available.", n=check.total)
    return _("Kodik accepted the token.")


@bp.get("/")
@access("admin")
def index():
    """Token, schedule, live progress and history of the Kodik sync."""
    return _page()


@bp.post("/token")
@access("admin")
def save_token():
    """Test a new token against Kodik, then store it (never shown again in full); a token Kodik
    refuses, and bad input, change nothing. ``action=test`` only tests (the entered token, or
    the one in use); ``untested=1`` stores without asking Kodik (offline set-ups)."""
    token = request.form.get("token", "")
    testing = request.form.get("action") == "test"
    try:
        if testing:
            check = kodik_settings.test_connection(current_app.config, token)
        else:
            check = kodik_settings.save_token(token, current_app.config,
                                              test=request.form.get("untested") != "1")
    except TokenCheckFailed as exc:
        return _page(400, token_error=_(exc.message, **exc.values),
                     offer_untested=not testing and exc.check.problem != "rejected")
    except AppError as exc:
        return _page(400, token_error=_(exc.message))
    if testing:
        flash(_works(check), "success")
    elif check is None:
        flash(_("The Kodik token was saved without testing it."), "success")
    else:
        flash(_("The Kodik token was saved.") + " " + _works(check), "success")
    return redirect(url_for(".index"))


@bp.post("/token/clear")
@access("admin")
def clear_token():
    """Forget the token entered here (the KODIK_TOKEN setting applies again, if set)."""
    kodik_settings.clear_token(current_app.config)
    flash(_("The Kodik token entered here was removed."), "success")
    return redirect(url_for(".index"))


def _start(job_id: str, started_message: str):
    try:
        start_job_in_background(current_app, job_id, "manual")
    except JobAlreadyRunning:
        flash(_("A Kodik sync is already running; its progress is shown below."), "warning")
    else:
        flash(started_message, "success")
    return redirect(url_for(".index") + "#kodik-status")  # the live progress, in view


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

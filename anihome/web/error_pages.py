"""What a browser sees when a form's CSRF check fails. Usually the session expired (the
member was signed out, or the cookie was cleared) while the form stayed open: instead of
"The CSRF session token is missing", the member signs in and comes back to the page the
form was on. Otherwise (a signed-in member's stale form, a public form such as sign-in) the
translated 400 page says nothing was changed and offers the way back. The API answers its
own JSON error (see api/auth.py)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..error_responses import json_error, wants_json
from ..security.access import decide, level_of
from .safe_redirect import safe_next
from .templating import gettext as _

bp = Blueprint("error_pages", __name__)
# English source strings, translated by the error page.
STALE_FORM = {"signed_out": "The form had expired, so nothing was sent. Please try again.",
              "signed_in": "This form was out of date, so nothing was changed. Please try again."}


def _form_page() -> str | None:
    """The page the form was on (from the Referer, when it is on this site)."""
    referrer = request.referrer or ""
    prefix = request.host_url
    return safe_next("/" + referrer[len(prefix):]) if referrer.startswith(prefix) else None


@bp.app_errorhandler(CSRFError)
def csrf_failed(exc: CSRFError):
    """Expired session -> sign in and back; anything else -> 400 page, nothing changed."""
    if wants_json():
        return json_error(400, f"{exc.description} Send it in the X-CSRFToken header.", "csrf_failed")
    back = _form_page()
    signed_out = not current_user.is_authenticated
    if signed_out and decide(level_of(current_app, request.endpoint), None) == "unauthenticated":
        flash(_("Your session has expired. Sign in again, then repeat what you were doing."), "error")
        return redirect(url_for("auth.login", next=back or url_for("home.index")))
    message = STALE_FORM["signed_out" if signed_out else "signed_in"]
    return render_template("errors/error.html", status=400, message=message, back=back), 400

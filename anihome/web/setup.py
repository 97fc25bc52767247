"""First-run setup page: creates the owner account, then is gone for good (404)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user

from ..access import access
from ..accounts.setup import SetupDone, create_owner, needs_setup
from ..errors import AppError
from ..templating import gettext as _

bp = Blueprint("setup", __name__)


def after_setup_url() -> str:
    """Where the new owner lands after setup.

    HOOK for the Kodik issue: point this at the page that offers "load the demo catalog"
    (or add to its flash message) once that exists. Today it is the home page.
    """
    return url_for("home.index")


@bp.route("/setup", methods=["GET", "POST"])
@access("public")
def setup():
    """Show the owner form while no owner exists; create the owner and sign them in."""
    if not needs_setup():
        raise SetupDone()
    errors: dict[str, str] = {}
    status = 200
    username = request.form.get("username", "")
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("password_repeat", ""):
            errors["password_repeat"] = _("The two passwords differ.")
            status = 400
        else:
            try:
                user = create_owner(username, password)
            except SetupDone:
                raise
            except AppError as exc:
                errors[exc.field or "form"] = _(exc.message)
                status = exc.status
            else:
                login_user(user)
                flash(_("Welcome to AniHome, %(name)s! Your owner account is ready.", name=user.username),
                      "success")
                return redirect(after_setup_url())
    return render_template("setup/setup.html", errors=errors, username=username), status

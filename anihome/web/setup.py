"""First-run setup page: creates the owner account, then is gone for good (404)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ..security.access import access
from ..accounts.setup import SetupDone, create_owner, needs_setup
from .templating import gettext as _
from .new_account_form import submit_new_account

bp = Blueprint("setup", __name__)


def after_setup_url() -> str:
    """Where the new owner lands after setup: home, whose empty state leads to the Kodik page."""
    return url_for("home.index")


@bp.route("/setup", methods=["GET", "POST"])
@access("public")
def setup():
    """Show the owner form while no owner exists; create the owner and sign them in."""
    if not needs_setup():
        raise SetupDone()
    form = submit_new_account(create_owner, passthrough=(SetupDone,))
    if form.user is not None:
        flash(_("Welcome to AniHome, %(name)s! Your owner account is ready.", name=form.user.username),
              "success")
        return redirect(after_setup_url())
    return render_template("setup/setup.html", errors=form.errors, username=form.username), form.status

"""Accepting an invite link: the invitee picks a username and password and is signed in."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user

from ..access import access
from ..accounts.invites import InviteGone, accept_invite, check_invite
from ..errors import AppError, NotFound
from ..templating import gettext as _

bp = Blueprint("invite", __name__)


def _gone(exc: AppError):
    return render_template("auth/invite_gone.html", message=_(exc.message)), exc.status


@bp.route("/invite/<token>", methods=["GET", "POST"])
@access("public")
def accept(token: str):
    """The sign-up form of one invite; expired, used or withdrawn links get a clear 410/404 page."""
    try:
        pending = check_invite(token)
    except (InviteGone, NotFound) as exc:
        return _gone(exc)
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
                user = accept_invite(token, username, password)
            except (InviteGone, NotFound) as exc:
                return _gone(exc)
            except AppError as exc:
                errors[exc.field or "form"] = _(exc.message)
                status = exc.status
            else:
                login_user(user)
                flash(_("Welcome to AniHome, %(name)s!", name=user.username), "success")
                return redirect(url_for("home.index"))
    return render_template("auth/invite.html", invite=pending, errors=errors, username=username), status

"""Accepting an invite link: the invitee picks a username and password and is signed in."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from ..security.access import access
from ..accounts.invites import InviteGone, accept_invite, check_invite
from ..errors import AppError, NotFound
from .templating import gettext as _
from .new_account_form import submit_new_account

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
    try:
        form = submit_new_account(lambda username, password: accept_invite(token, username, password),
                                  passthrough=(InviteGone, NotFound))
    except (InviteGone, NotFound) as exc:
        return _gone(exc)
    if form.user is not None:
        flash(_("Welcome to AniHome, %(name)s!", name=form.user.username), "success")
        return redirect(url_for("home.index"))
    return render_template("auth/invite.html", invite=pending, errors=form.errors,
                           username=form.username), form.status

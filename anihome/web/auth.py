"""Sign in and sign out. Throttled per account and per client address (see accounts.throttle)."""
from __future__ import annotations

import math

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..security.access import access
from ..accounts.signin import SignInThrottled, sign_in
from ..accounts.throttle import login_throttle
from ..errors import AppError
from ..security.login import sign_in_browser, sign_out_browser
from .templating import gettext as _
from .safe_redirect import safe_next

bp = Blueprint("auth", __name__)


def retry_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _("Too many failed sign-ins. Try again in %(minutes)s min.", minutes=minutes)


@bp.route("/login", methods=["GET", "POST"])
@access("public")
def login():
    """The sign-in form; on success go to a local ``next`` path or home."""
    next_path = safe_next(request.values.get("next"))
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(next_path or url_for("home.index"))
    error, status, headers = None, 200, {}
    username = request.form.get("username", "")
    if request.method == "POST":
        try:
            user = sign_in(login_throttle(current_app), username, request.form.get("password", ""),
                           request.remote_addr)
        except SignInThrottled as exc:
            error, status = retry_message(exc.retry_after), 429
            headers["Retry-After"] = str(exc.retry_after)
        except AppError as exc:
            error, status = _(exc.message), exc.status
        else:
            sign_in_browser(user, remember=bool(request.form.get("remember")))
            return redirect(next_path or url_for("home.index"))
    return (render_template("auth/login.html", error=error, username=username, next_path=next_path),
            status, headers)


@bp.post("/logout")
@access("member")
def logout():
    """End this session for good (its server-side record and the "remember me" cookie)."""
    sign_out_browser()
    flash(_("You have signed out."), "success")
    from .screens import current_screen  # a household screen goes back to its profile picker

    return redirect(url_for("screens.picker" if current_screen() else "auth.login"))

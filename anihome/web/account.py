"""The member's own account: password, interface language (and API tokens, included)."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_login import current_user

from ..security.access import access
from ..accounts import screens, session_records
from ..accounts.signin import SignInThrottled, change_password
from ..accounts.throttle import login_throttle
from ..accounts.users import TITLE_LANGUAGES, set_locale, set_title_language
from ..errors import AppError
from ..i18n import LANGUAGES
from ..security.login import current_session_key
from .templating import gettext as _
from .account_sessions import device_rows
from .auth import retry_message
from .safe_redirect import safe_next

bp = Blueprint("account", __name__, url_prefix="/account")

LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def account_page(errors: dict | None = None, status: int = 200):
    """The account page (with ``errors`` by field after a failed form)."""
    household_screens = screens.list_screens() if current_user.has_role("owner") else []
    return render_template("account/index.html", errors=errors or {}, title_languages=TITLE_LANGUAGES,
                           devices=device_rows(current_user.id), screens=household_screens,
                           profile_state=screens.profile_state(current_user),
                           is_kid=screens.is_kid(current_user),
                           describe_device=session_records.describe_device), status


_page = account_page


@bp.get("/")
@access("member")
def index():
    """The account page."""
    return _page()


@bp.post("/password")
@access("member")
def password():
    """Change one's own password; other sessions of this member end, this one stays; API tokens
    stay only when the member ticks "keep my API tokens"."""
    new = request.form.get("new_password", "")
    if new != request.form.get("new_password_repeat", ""):
        return _page({"new_password_repeat": _("The two passwords differ.")}, 400)
    try:
        change_password(login_throttle(current_app), current_user.id,
                        request.form.get("current_password", ""), new, request.remote_addr,
                        keep_session=current_session_key(), keep_tokens=bool(request.form.get("keep_tokens")))
    except SignInThrottled as exc:
        return _page({"current_password": retry_message(exc.retry_after)}, 429)
    except AppError as exc:
        return _page({exc.field or "form": _(exc.message)}, exc.status)
    flash(_("Your password was changed. Other devices have been signed out."), "success")
    return redirect(url_for("account.index"))


@bp.post("/language")
@access("public")
def language():
    """Switch the interface language: stored on the account when signed in, and in a cookie."""
    choice = request.form.get("language", "")
    if choice not in LANGUAGES:
        abort(400, description=_("Unknown language."))
    if current_user.is_authenticated:
        set_locale(current_user.id, choice)
    response = redirect(safe_next(request.form.get("next")) or url_for("home.index"))
    response.set_cookie("lang", choice, max_age=LANG_COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.post("/title-language")
@access("member")
def title_language():
    """Which title of a release the member reads first: Russian, romaji or English."""
    try:
        set_title_language(current_user.id, request.form.get("title_language", ""))
    except AppError as exc:
        flash(_(exc.message), "error")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("account.index") + "#titles")

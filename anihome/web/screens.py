"""Who's watching? The profile picker of a household screen, and its owner and member settings.

A household screen is a device the owner marked on their account page (a cookie carrying a
random token, ``accounts.screens``). On it, ``/who`` lists the household's members; choosing
one ends the device's current session and starts a new one for that member. Members set or
clear their PIN on the account page after re-entering their password.
"""
from __future__ import annotations

from flask import (Blueprint, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_login import current_user

from ..accounts import pins, screens
from ..accounts.pins import PinThrottled, pin_throttle
from ..accounts.signin import SignInThrottled
from ..accounts.throttle import login_throttle
from ..errors import AppError, NotFound
from ..security.access import access
from ..security.login import sign_in_browser, sign_out_browser
from .account import account_page
from .auth import retry_message
from .templating import gettext as _

bp = Blueprint("screens", __name__)

COOKIE = "anihome_screen"


def current_screen():
    """This device's household screen, or None (looked up once per request)."""
    if "household_screen" not in g:
        g.household_screen = screens.resolve(request.cookies.get(COOKIE))
    return g.household_screen


@bp.app_context_processor
def _screen_globals():
    return {"is_household_screen": lambda: current_screen() is not None,
            "household_screen_id": lambda: current_screen().id if current_screen() else None}


def _pin_wait_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return _("Too many wrong PINs. Try again in %(minutes)s min.", minutes=minutes)


@bp.get("/who")
@access("public")
def picker():
    """The profile picker (on a household screen), or how to turn one on."""
    screen = current_screen()
    return render_template("screens/picker.html", screen=screen,
                           profiles=screens.profiles() if screen else [])


def _profile(user_id: int) -> dict:
    for profile in screens.profiles():
        if profile["id"] == user_id:
            return profile
    raise NotFound("No such member.")


def _pin_page(profile: dict, error: str | None = None, status: int = 200, headers: dict | None = None):
    return render_template("screens/pin.html", profile=profile, error=error), status, headers or {}


@bp.get("/who/<int:user_id>")
@access("public")
def pin_form(user_id: int):
    """The PIN pad for one profile (a kid's PIN-less profile is chosen from the picker)."""
    if current_screen() is None:
        return redirect(url_for("screens.picker"))
    return _pin_page(_profile(user_id))


@bp.post("/who/<int:user_id>")
@access("public")
def choose(user_id: int):
    """Switch this screen to the chosen member: the old session ends, a new one starts."""
    screen = current_screen()
    try:
        user = screens.choose(pin_throttle(current_app), screen, user_id, request.form.get("pin"))
    except PinThrottled as exc:
        return _pin_page(_profile(user_id), _pin_wait_message(exc.retry_after), 429,
                         {"Retry-After": str(exc.retry_after)})
    except AppError as exc:
        if exc.field == "pin" and exc.status in (400, 401):
            return _pin_page(_profile(user_id), _(exc.message), exc.status)
        raise
    if current_user.is_authenticated:
        sign_out_browser()
    session.clear()
    sign_in_browser(user, screen_id=screen.id)
    flash(_("Hello, %(name)s!", name=user.username), "success")
    return redirect(url_for("home.index"))


# --- the owner's screens and the member's PIN (sections of the account page) ---------------

@bp.post("/account/screen")
@access("owner")
def remember_device():
    """Mark this device as a household screen (a long-lived cookie)."""
    key = screens.register(current_user, request.user_agent.string, request.remote_addr)
    flash(_("This device is now a household screen: “Who's watching?” is in its menu."), "success")
    response = redirect(url_for("account.index") + "#screens")
    response.set_cookie(COOKIE, key, max_age=screens.SCREEN_DAYS * 24 * 3600, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.post("/account/screens/<int:screen_id>/revoke")
@access("owner")
def revoke(screen_id: int):
    """Stop a device being a household screen."""
    screens.revoke(current_user, screen_id)
    flash(_("That device is no longer a household screen."), "success")
    return redirect(url_for("account.index") + "#screens")


def _pin_change(action):
    try:
        action()
    except SignInThrottled as exc:
        return account_page({"pin_current_password": retry_message(exc.retry_after)}, 429)
    except AppError as exc:
        field = {"current_password": "pin_current_password", "pin": "pin"}.get(exc.field, "form_pin")
        return account_page({field: _(exc.message)}, exc.status)
    return None


@bp.post("/account/pin")
@access("member")
def set_pin():
    """Set one's own profile PIN (the password is asked again)."""
    failed = _pin_change(lambda: pins.set_pin(login_throttle(current_app), current_user.id,
                                              request.form.get("current_password", ""),
                                              request.form.get("pin", ""), request.remote_addr))
    if failed:
        return failed
    flash(_("Your PIN was saved."), "success")
    return redirect(url_for("account.index") + "#pin")


@bp.post("/account/pin/clear")
@access("member")
def clear_pin():
    """Remove one's own profile PIN (the password is asked again)."""
    failed = _pin_change(lambda: pins.clear_pin(login_throttle(current_app), current_user.id,
                                                request.form.get("current_password", ""), request.remote_addr))
    if failed:
        return failed
    flash(_("Your PIN was removed."), "success")
    return redirect(url_for("account.index") + "#pin")

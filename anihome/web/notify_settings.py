"""The member's notification settings page: channels (add, test, turn off, remove), quiet
hours, the weekly digest, "follow what I watch", and the releases they follow."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..security.access import access
from ..errors import AppError
from ..models.notify import CHANNEL_KINDS
from ..notify import household, prefs, subscriptions
from ..notify.channels import service as channels
from .templating import error_text, gettext as _
from .library_forms import form_action

bp = Blueprint("notify_settings", __name__, url_prefix="/account/notifications")


def _settings():
    return current_app.config["ANIHOME_SETTINGS"]


def _page(status: int = 200, errors: dict | None = None, secret: str | None = None, form: dict | None = None):
    return render_template("notify/settings.html", prefs=prefs.get(current_user.id),
                           channels=channels.for_user(current_user.id), kinds=CHANNEL_KINDS,
                           allowed=household.allowed_kinds(), follows=subscriptions.for_user(current_user.id),
                           errors=errors or {}, secret=secret, form=form or {}), status


@bp.get("/")
@access("member")
def index():
    """Channels, quiet hours, digest and follows of the signed-in member."""
    return _page()


@bp.post("/prefs")
@access("member")
def save_prefs():
    """Save quiet hours, the digest day and hour, and "follow what I watch"."""
    form = request.form
    changes = {"follow_watching": form.get("follow_watching") == "1", "quiet_start": form.get("quiet_start"),
               "quiet_end": form.get("quiet_end"), "digest_day": form.get("digest_day"),
               "digest_hour": form.get("digest_hour", "9")}
    try:
        prefs.update(current_user.id, changes)
    except AppError as exc:
        return _page(400, errors={exc.field or "prefs": error_text(exc)})
    flash(_("Notification settings saved."), "success")
    return redirect(url_for(".index"))


@bp.post("/channels")
@access("member")
def add_channel():
    """Add a channel; a webhook's secret is shown on the answer page, this once only."""
    data = {k: request.form.get(k, "") for k in ("kind", "name", "url", "topic", "token", "chat_id", "address")}
    try:
        row, secret = channels.create(current_user.id, data, _settings())
    except AppError as exc:
        data.pop("token", None)
        return _page(400, errors={exc.field or "kind": error_text(exc)}, form=data)
    if secret:
        return _page(201, secret=secret)
    flash(_("Channel added. Send a test to check it."), "success")
    return redirect(url_for(".index"))


@bp.post("/channels/<int:channel_id>/test")
@access("member")
@form_action("/account/notifications/")
def test_channel(channel_id: int):
    """Send a test push now and say how it went."""
    ok, detail = channels.send_test(current_user.id, channel_id, _settings())
    if ok:
        flash(_("Test sent."), "success")
    else:
        flash(_("The test failed: %(why)s", why=detail), "error")


@bp.post("/channels/<int:channel_id>/enabled")
@access("member")
@form_action("/account/notifications/")
def toggle_channel(channel_id: int):
    """Turn a channel on or off."""
    channels.update(current_user.id, channel_id, {"enabled": request.form.get("on") == "1"}, _settings())


@bp.post("/channels/<int:channel_id>/delete")
@access("member")
@form_action("/account/notifications/")
def delete_channel(channel_id: int):
    """Remove a channel (its pending pushes go with it)."""
    channels.delete(current_user.id, channel_id)
    flash(_("Channel removed."), "success")

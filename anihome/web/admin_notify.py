"""Owner: notification controls — which channel kinds members may use, the SMTP server for
email channels (password write-only), and the delivery log with each push's status."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from ..security.access import access
from ..errors import AppError
from ..models.notify import CHANNEL_KINDS
from ..notify import household
from ..notify.log import delivery_log, status_counts
from .templating import error_text, gettext as _

bp = Blueprint("admin_notify", __name__, url_prefix="/admin/notifications")


def _page(status: int = 200, errors: dict | None = None):
    status_filter = request.args.get("status") or None
    return render_template("admin/notify.html", kinds=CHANNEL_KINDS, allowed=household.allowed_kinds(),
                           smtp=household.smtp_settings().public(), security=household.SMTP_SECURITY,
                           log=delivery_log(status_filter), counts=status_counts(), status_filter=status_filter,
                           allowed_hosts=sorted(household.allowed_hosts(current_app.config["ANIHOME_SETTINGS"])),
                           errors=errors or {}), status


@bp.get("/")
@access("owner")
def index():
    """Allowed kinds, SMTP settings and the delivery log."""
    return _page()


@bp.post("/kinds")
@access("owner")
def save_kinds():
    """Choose which channel kinds members may use."""
    household.set_allowed_kinds(request.form.getlist("kind"))
    flash(_("Allowed channel kinds saved."), "success")
    return redirect(url_for(".index"))


@bp.post("/smtp")
@access("owner")
def save_smtp():
    """Store the SMTP server email channels send through (an empty password keeps the old one)."""
    try:
        household.save_smtp(request.form)
    except AppError as exc:
        return _page(400, errors={exc.field or "host": error_text(exc)})
    flash(_("SMTP settings saved."), "success")
    return redirect(url_for(".index"))

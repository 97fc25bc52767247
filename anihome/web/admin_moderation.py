"""The moderation queue at /admin/moderation: reported texts with hide/restore/delete, mutes,
the owner's posting switches, and the audit log (owner)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import AppError
from ..security.access import access
from ..social import audit, moderation, rules
from .social import error_text
from .templating import gettext as _

bp = Blueprint("admin_moderation", __name__, url_prefix="/admin/moderation")

PER_PAGE = 30


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def _index(error: AppError | None = None, status: int = 200):
    page = _page()
    items, total = moderation.queue(current_user, page, PER_PAGE)
    return render_template("social/moderation.html", items=items, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), mutes=moderation.active_mutes(current_user),
                           members=moderation.mutable_members(current_user), switches=rules.switches(),
                           error=error, message=error_text(error) if error else None), status


@bp.get("")
@access("moderator")
def index():
    """Open reports (oldest first), active mutes, and the owner's switches."""
    return _index()


@bp.post("/<kind>/<int:target_id>")
@access("moderator")
def act(kind: str, target_id: int):
    """Hide, restore or delete one reported text, with a reason for the audit log."""
    try:
        status = moderation.act(current_user, kind, target_id, request.form.get("action"),
                                request.form.get("reason"))
    except AppError as exc:
        if exc.status == 404:
            raise
        return _index(exc, exc.status)
    flash(_("Done: the text is now %(status)s.", status=_(status)), "success")
    return redirect(url_for("admin_moderation.index"))


@bp.post("/mutes")
@access("moderator")
def mute():
    """Mute a member from posting for some days."""
    try:
        user_id = int(request.form.get("user_id") or 0)
        moderation.mute(current_user, user_id, request.form.get("days"), request.form.get("reason"))
    except ValueError:
        return _index(AppError("Choose a member.", "user_id"), 400)
    except AppError as exc:
        return _index(exc, exc.status)
    flash(_("Member muted."), "success")
    return redirect(url_for("admin_moderation.index") + "#mutes")


@bp.post("/mutes/<int:user_id>/lift")
@access("moderator")
def unmute(user_id: int):
    """Lift a member's mute early."""
    moderation.unmute(current_user, user_id, request.form.get("reason"))
    flash(_("Mute lifted."), "success")
    return redirect(url_for("admin_moderation.index") + "#mutes")


@bp.post("/settings")
@access("owner")
def settings():
    """The owner's switches: posting for capped members, and what kids may read."""
    rules.set_switches(current_user, capped_posting_off=request.form.get("capped_posting_off") == "1",
                       kids_restricted=request.form.get("kids_restricted") == "1")
    flash(_("Settings saved."), "success")
    return redirect(url_for("admin_moderation.index") + "#settings")


@bp.get("/audit")
@access("owner")
def audit_log():
    """Every moderator action: who, what, when, why (newest first)."""
    page = _page()
    rows, total = audit.entries(current_user, page, 50)
    return render_template("social/audit.html", rows=rows, total=total, page=page,
                           pages=max(1, -(-total // 50)))

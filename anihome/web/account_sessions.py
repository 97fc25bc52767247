"""The member's signed-in devices: listed on the account page, each can be signed out."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user

from ..accounts import session_records
from ..security.access import access
from ..security.login import current_session_key
from .templating import gettext as _

bp = Blueprint("account_sessions", __name__, url_prefix="/account/sessions")


def device_rows(user_id: int) -> list[dict]:
    """The member's live sessions for the account page, this browser's marked ``current``."""
    key = current_session_key()
    rows = []
    for record in session_records.active(user_id):
        browser, system = session_records.describe_device(record.user_agent)
        rows.append({"id": record.id, "browser": browser, "system": system, "address": record.address,
                     "created_at": record.created_at, "last_seen_at": record.last_seen_at,
                     "remember": record.remember, "current": session_records.is_current(record, key)})
    return rows


@bp.post("/<int:session_id>/revoke")
@access("member")
def revoke(session_id: int):
    """Sign one of the member's devices out (this one included: then it is a sign-out)."""
    session_records.revoke(current_user.id, session_id)
    flash(_("That device has been signed out."), "success")
    return redirect(url_for("account.index") + "#sessions")


@bp.post("/revoke-others")
@access("member")
def revoke_others():
    """Sign out everywhere except this browser."""
    count = session_records.revoke_all(current_user.id, keep_key=current_session_key(), reason="sign-out-everywhere")
    flash(_("Signed out on %(count)s other devices.", count=count), "success")
    return redirect(url_for("account.index") + "#sessions")

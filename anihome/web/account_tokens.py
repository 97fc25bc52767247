"""The member's personal API tokens page: list, create (shown once), revoke."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..security.access import access
from ..accounts import tokens
from ..errors import AppError
from .templating import gettext as _

bp = Blueprint("account_tokens", __name__, url_prefix="/account/tokens")


def _page(new_token: str | None = None, errors: dict | None = None, label: str = "", status: int = 200):
    body = render_template("account_tokens/index.html", tokens=tokens.list_for_user(current_user),
                           new_token=new_token, errors=errors or {}, label=label,
                           api_base=request.url_root.rstrip("/") + "/api/v1")
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@access("member")
def index():
    """The member's live tokens and the form to create one."""
    return _page()


@bp.post("/")
@access("member")
def create():
    """Create a token and show it on this answer only (never in a redirect or the session)."""
    label = request.form.get("label", "")
    try:
        plaintext, _token = tokens.create(current_user, label)
    except AppError as exc:
        return _page(errors={exc.field or "form": _(exc.message)}, label=label, status=400)
    return _page(new_token=plaintext)


@bp.post("/<int:token_id>/revoke")
@access("member")
def revoke(token_id: int):
    """Revoke one of the member's own tokens."""
    token = tokens.revoke_for_user(current_user, token_id)
    flash(_("Token %(prefix)s… was revoked.", prefix=token.prefix), "success")
    return redirect(url_for("account_tokens.index"))

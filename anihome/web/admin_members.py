"""Admin: household members and invite links. Rules live in ``accounts.users`` / ``invites``."""
from __future__ import annotations

from flask import (Blueprint, current_app, flash, make_response, redirect, render_template, request,
                   url_for)
from flask_login import current_user

from ..security.access import access
from ..accounts import invites, pins, users
from ..errors import AppError
from .public_url import links_stay_on_this_machine, public_url_for
from .templating import gettext as _

bp = Blueprint("admin_members", __name__, url_prefix="/admin/members")


def actor():
    """The signed-in admin as a plain ``User`` (services get no request proxies)."""
    return current_user._get_current_object()


def _index(status: int = 200, **context):
    """The members page; ``context`` carries form errors, typed values or a new invite link."""
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return render_template(
        "admin/members.html", members=users.list_users(), invites=invites.pending_invites(),
        roles=users.assignable_roles(actor()), invite_ttl=current_app.config["INVITE_TTL_HOURS"],
        local_links=links_stay_on_this_machine(), **context), status


def _error(exc: AppError) -> dict[str, str]:
    return {exc.field or "form": _(exc.message)}


@bp.get("/")
@access("admin")
def index():
    """Members with role, age cap, state and last sign-in; forms to add and invite."""
    return _index()


@bp.post("/")
@access("admin")
def create():
    """Create a member with a password chosen by the admin."""
    form = request.form
    values = {"username": form.get("username", ""), "role": form.get("role", "member"),
              "age_cap": form.get("age_cap", "")}
    try:
        user = users.create_user(values["username"], form.get("password", ""), values["role"],
                                 values["age_cap"], actor=actor())
    except AppError as exc:
        return _index(exc.status, errors=_error(exc), values=values, open_form="create")
    flash(_("Member %(name)s was created.", name=user.username), "success")
    return redirect(url_for(".index"))


@bp.post("/invites")
@access("admin")
def invite():
    """Create a one-time invite link; it is shown on this answer only."""
    form = request.form
    values = {"invite_role": form.get("role", "member"), "invite_age_cap": form.get("age_cap", ""),
              "note": form.get("note", "")}
    try:
        created, token = invites.create_invite(
            actor(), values["invite_role"], values["invite_age_cap"], values["note"],
            ttl_hours=current_app.config["INVITE_TTL_HOURS"])
    except AppError as exc:
        errors = {"invite_" + (exc.field or "form"): _(exc.message)}
        return _index(exc.status, errors=errors, values=values, open_form="invite")
    link = public_url_for("invite.accept", token=token)
    response = make_response(_index(201, new_invite=created, new_invite_link=link))
    response.headers["Cache-Control"] = "no-store"  # the link must not linger in caches
    return response


@bp.post("/invites/<int:invite_id>/revoke")
@access("admin")
def revoke_invite(invite_id: int):
    """Withdraw a pending invite link."""
    invites.revoke_invite(actor(), invite_id)
    flash(_("The invite link was withdrawn."), "success")
    return redirect(url_for(".index"))


def _edit(user, status: int = 200, errors: dict | None = None):
    return render_template("admin/members_edit.html", member=user, errors=errors or {},
                           roles=users.assignable_roles(actor()),
                           can_manage=users.may_manage(actor(), user)), status


@bp.get("/<int:user_id>")
@access("admin")
def edit(user_id: int):
    """One member: role, age cap, enable/disable, password reset."""
    return _edit(users.get_user(user_id))


@bp.post("/<int:user_id>")
@access("admin")
def update(user_id: int):
    """Save role and age cap."""
    form = request.form
    try:
        user = users.update_member(actor(), user_id, role=form.get("role", ""),
                                   age_cap=form.get("age_cap", ""))
    except AppError as exc:
        return _edit(users.get_user(user_id), exc.status, _error(exc))
    flash(_("Changes to %(name)s were saved.", name=user.username), "success")
    return redirect(url_for(".edit", user_id=user.id))


@bp.post("/<int:user_id>/active")
@access("admin")
def set_active(user_id: int):
    """Disable (signs the member out everywhere) or enable an account."""
    active = request.form.get("active") == "1"
    try:
        user = users.set_active(actor(), user_id, active)
    except AppError as exc:
        return _edit(users.get_user(user_id), exc.status, _error(exc))
    flash(_("%(name)s can sign in again.", name=user.username) if active
          else _("%(name)s is disabled and was signed out.", name=user.username), "success")
    return redirect(url_for(".edit", user_id=user.id))


@bp.post("/<int:user_id>/pin/remove")
@access("admin")
def remove_pin(user_id: int):
    """Remove a member's household-screen PIN (they forgot it)."""
    try:
        user = pins.remove_pin(actor(), user_id)
    except AppError as exc:
        return _edit(users.get_user(user_id), exc.status, _error(exc))
    flash(_("The PIN of %(name)s was removed.", name=user.username), "success")
    return redirect(url_for(".edit", user_id=user.id))


@bp.post("/<int:user_id>/password")
@access("admin")
def reset_password(user_id: int):
    """Set a new password for a member (who is signed out everywhere)."""
    form = request.form
    password = form.get("password", "")
    if user_id == actor().id:
        return _edit(users.get_user(user_id), 400,
                     {"password": _("Change your own password on your account page.")})
    if password != form.get("password_repeat", ""):
        return _edit(users.get_user(user_id), 400, {"password_repeat": _("The two passwords differ.")})
    try:
        user = users.set_password(actor(), user_id, password)
    except AppError as exc:
        return _edit(users.get_user(user_id), exc.status, _error(exc))
    flash(_("The password of %(name)s was changed.", name=user.username), "success")
    return redirect(url_for(".edit", user_id=user.id))

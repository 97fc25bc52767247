"""Collection pages: the member's collections and the household's shared ones; create,
rename, describe, share, reorder and delete; add, move and remove releases."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..security.access import access
from ..library import collections
from .templating import gettext as _
from .library_forms import form_action, int_field

bp = Blueprint("collections", __name__, url_prefix="/collections")


@bp.get("/")
@access("member")
def index():
    """The member's collections, then the ones others share with the household."""
    return render_template("library/collections.html",
                           mine=collections.for_user(current_user.id),
                           shared=collections.shared_with(current_user.id))


@bp.post("/")
@access("member")
@form_action("/collections/")
def create():
    """Create a collection and open it."""
    row = collections.create(current_user.id, request.form.get("name"),
                             request.form.get("description"),
                             request.form.get("visibility") or "private")
    flash(_("Collection created."), "success")
    return redirect(url_for("collections.detail", collection_id=row.id))


@bp.get("/<int:collection_id>")
@access("member")
def detail(collection_id: int):
    """One collection: its releases in order (editable when it is the member's own)."""
    row, items = collections.view(current_user.id, collection_id)
    return render_template("library/collection.html", c=row, items=items,
                           editable=row.user_id == current_user.id)


@bp.post("/<int:collection_id>")
@access("member")
@form_action("/collections/")
def update(collection_id: int):
    """Rename, describe or share one of the member's collections."""
    changes = {key: request.form[key] for key in ("name", "description", "visibility")
               if key in request.form}
    collections.update(current_user.id, collection_id, changes)
    flash(_("Collection saved."), "success")


@bp.post("/<int:collection_id>/delete")
@access("member")
@form_action("/collections/")
def delete(collection_id: int):
    """Delete one of the member's collections (its releases stay in the catalog)."""
    collections.delete(current_user.id, collection_id)
    flash(_("Collection deleted."), "success")
    return redirect(url_for("collections.index"))


@bp.post("/<int:collection_id>/move")
@access("member")
@form_action("/collections/")
def move(collection_id: int):
    """Move a collection up or down in the member's list."""
    collections.move(current_user.id, collection_id, int_field("step"))


@bp.post("/<int:collection_id>/items")
@access("member")
@form_action("/collections/")
def add_item(collection_id: int):
    """Add a release to a collection."""
    collections.add_item(current_user.id, collection_id, int_field("release_id"))
    flash(_("Added to the collection."), "success")


@bp.post("/add")
@access("member")
@form_action("/collections/")
def add_to():
    """Add a release to the collection picked in a release page's menu."""
    return add_item.__wrapped__(int_field("collection_id"))


@bp.post("/<int:collection_id>/items/<int:release_id>/delete")
@access("member")
@form_action("/collections/")
def remove_item(collection_id: int, release_id: int):
    """Take a release out of a collection."""
    collections.remove_item(current_user.id, collection_id, release_id)
    flash(_("Removed from the collection."), "success")


@bp.post("/<int:collection_id>/items/<int:release_id>/move")
@access("member")
@form_action("/collections/")
def move_item(collection_id: int, release_id: int):
    """Move a release up or down inside a collection."""
    collections.move_item(current_user.id, collection_id, release_id, int_field("step"))

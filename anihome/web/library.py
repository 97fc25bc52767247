"""The member's own library pages: lists by status, favorites, history, and the actions
behind the player's and the home row's buttons. Views are thin; services do the work."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import integers
from ..cache import get_cache
from ..errors import AppError
from ..library import continue_watching, favorites, history, lists, mark_watched, release_state
from ..library.validate import row_id
from ..models.library import LIST_STATUSES
from ..security.access import access
from .library_forms import episode_field, form_action, int_field
from .templating import gettext as _

bp = Blueprint("library", __name__)

PER_PAGE = 50
LIST_STATUS_LABELS = {"watching": "Watching", "planned": "Plan to watch", "completed": "Completed",
                      "on_hold": "On hold", "dropped": "Dropped", "rewatching": "Rewatching"}


@bp.app_context_processor
def _library_globals():
    """``library_state(release_id)`` for the release-actions partial (None when signed out),
    and ``card_marks()``: the member's favorites and list statuses for the cards' quick
    buttons (static/js/cards.js), with their labels in the member's language."""
    def library_state(release_id: int):
        if not current_user.is_authenticated:
            return None
        return release_state.state(current_user.id, release_id)

    def card_marks():
        uid = current_user.id
        marks = dict(get_cache(current_app).get_or_set(  # dropped by member_data_changed
            f"member:{uid}:card-marks", lambda: release_state.card_marks(uid), tags=(f"user:{uid}",)))
        marks["labels"] = {
            "fav_add": _("Add to favorites"), "fav_remove": _("Remove from favorites"),
            "plan_add": _("Plan to watch"), "plan_remove": _("Take off Plan to watch"),
            "on_list": _("On your list: %(status)s", status="{status}"), "failed": _("Could not save. Try again."),
            "statuses": {s: _(LIST_STATUS_LABELS[s]) for s in LIST_STATUSES}}
        return marks
    return {"library_state": library_state, "card_marks": card_marks}


MAX_PAGE = 10_000  # 500,000 rows at 50 a page; beyond it a 400 naming the field


def _page() -> int:
    """The ``page`` argument (1 when absent); AppError 400 naming it when it is not 1..MAX_PAGE."""
    return integers.optional(request.args.get("page"), "page", 1, MAX_PAGE, default=1)


@bp.get("/lists")
@access("member")
def lists_page():
    """The member's list entries, one tab per status."""
    status = request.args.get("status") or None
    sort = request.args.get("sort") or "updated"
    if status is not None and status not in LIST_STATUSES:
        abort(404)
    if sort not in ("updated", "title", "score"):
        sort = "updated"
    page = _page()
    rows = lists.entries(current_user.id, status, PER_PAGE, (page - 1) * PER_PAGE, sort)
    total = lists.count(current_user.id, status)
    return render_template("library/lists.html", rows=rows, status=status, sort=sort,
                           counts=lists.counts_by_status(current_user.id), statuses=LIST_STATUSES,
                           page=page, pages=max(1, -(-total // PER_PAGE)), total=total)


@bp.post("/lists/<int:release_id>")
@access("member")
@form_action("/lists")
def set_status(release_id: int):
    """Set the status (and optionally score, episodes, rewatches) of one release."""
    form = request.form
    changes = {}
    if form.get("status"):
        changes["status"] = form["status"]
    for name in ("score", "episodes_watched", "rewatch_count"):
        if name in form:
            value = int_field(name, required=False)
            if value is not None or name == "score":
                changes[name] = value
    if not changes:
        raise AppError("Choose a list first.", "status")
    if "status" not in changes and lists.get_entry(current_user.id, release_id) is None:
        raise AppError("Choose a list first.", "status")
    lists.set_entry(current_user.id, release_id, changes)
    flash(_("Saved."), "success")


@bp.post("/lists/<int:release_id>/watched-through")
@access("member")
@form_action("/lists")
def watched_through(release_id: int):
    """Mark every episode of a dub up to the chosen one as watched (seen elsewhere)."""
    season, number = episode_field("through")
    result = mark_watched.watched_through(current_user.id, release_id, request.form.get("translation_id"),
                                          season, number, age_cap=current_user.age_cap)
    flash(_("Marked %(n)s episodes as watched.", n=result.marked) if result.marked
          else _("These episodes were already watched."), "success")


@bp.post("/lists/<int:release_id>/delete")
@access("member")
@form_action("/lists")
def delete_entry(release_id: int):
    """Take a release off the member's lists."""
    lists.delete_entry(current_user.id, release_id)
    flash(_("Removed from your lists."), "success")


@bp.get("/favorites")
@access("member")
def favorites_page():
    """The member's favorite releases."""
    page = _page()
    rows = favorites.listing(current_user.id, PER_PAGE, (page - 1) * PER_PAGE)
    total = favorites.count(current_user.id)
    return render_template("library/favorites.html", rows=rows, page=page,
                           pages=max(1, -(-total // PER_PAGE)), total=total)


@bp.post("/favorites/<int:release_id>")
@access("member")
@form_action("/favorites")
def favorite_toggle(release_id: int):
    """Add or remove a favorite (``on`` = 1 / 0; without it, toggle)."""
    wanted = request.form.get("on")
    is_fav = favorites.is_favorite(current_user.id, release_id)
    if wanted == "1" or (wanted is None and not is_fav):
        favorites.add(current_user.id, release_id)
        flash(_("Added to favorites."), "success")
    elif is_fav:
        favorites.remove(current_user.id, release_id)
        flash(_("Removed from favorites."), "success")


@bp.get("/history")
@access("member")
def history_page():
    """The member's watch history, grouped by day (newest first)."""
    raw = request.args.get("before")
    before = None if raw in (None, "") else row_id(raw, "before")
    rows = history.recent(current_user.id, PER_PAGE + 1, before_id=before)
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    tz = current_app.config["TIMEZONE"]
    return render_template("library/history.html", days=history.by_day(rows, tz), tz=tz,
                           more_id=rows[-1].id if more else None,
                           total=history.count(current_user.id), local=history.local_time)


@bp.post("/history/<int:event_id>/delete")
@access("member")
@form_action("/history")
def history_delete(event_id: int):
    """Delete one history entry of the member's own."""
    history.delete(current_user.id, event_id)
    flash(_("History entry deleted."), "success")


@bp.route("/history/clear", methods=["GET", "POST"])
@access("member")
def history_clear():
    """Clear all history after an explicit confirmation."""
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            flash(_("Tick the box to confirm that all history should be deleted."), "error")
            return redirect(url_for("library.history_clear"))
        count = history.clear(current_user.id)
        flash(_("Deleted %(n)s history entries.", n=count), "success")
        return redirect(url_for("library.history_page"))
    return render_template("library/history_clear.html", total=history.count(current_user.id))


@bp.get("/continue")
@access("member")
def continue_page():
    """The whole continue-watching row, with remove and snooze buttons."""
    items = continue_watching.for_user(current_user.id, 60)
    return render_template("library/continue.html", items=items)


@bp.post("/continue/<int:release_id>/hide")
@access("member")
@form_action("/")
def continue_hide(release_id: int):
    """Remove a release from the continue-watching row, or snooze it (``days``)."""
    days = int_field("days", required=False)
    continue_watching.hide(current_user.id, release_id, days=days)
    flash(_("Snoozed.") if days else _("Removed from Continue watching."), "success")

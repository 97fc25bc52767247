"""Comment threads and reviews on the release page and under the player, and their forms.

The thread itself is rendered inside the release and player pages through the
``social_panel`` template helper (like ``library_state``), so those views stay untouched;
the forms post here. A member's mistake (empty text, muted, too fast) answers 4xx with the
compose page: the message, and the text kept so nothing typed is lost.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import (Blueprint, current_app, flash, redirect, render_template, request, url_for)
from flask_login import current_user

from ..errors import AppError
from ..security.access import access
from ..social import comments, moderation, panel, reviews, rules
from .page_cache import hole as page_hole
from .safe_redirect import safe_next
from .templating import gettext as _

bp = Blueprint("social", __name__)

PER_PAGE = 20


def _int_arg(name: str, default: int | None = None) -> int | None:
    try:
        value = int(request.args.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


@bp.app_context_processor
def _social_globals():
    """``social_panel(release_id, season, episode)``: the thread (and, for a release, its
    reviews) as the signed-in member may read them; None when signed out."""
    def social_panel(release_id: int, season: int | None = None, episode: int | None = None):
        if not current_user.is_authenticated:
            return None
        reveal, shown = _int_arg("reveal"), _int_arg("rreveal")
        found = panel.release_panel(current_user, release_id, season, episode,
                                    sort=request.args.get("csort", "newest"), page=_int_arg("cpage", 1),
                                    per_page=PER_PAGE, reveal=frozenset({reveal}) if reveal else frozenset(),
                                    review_reveal=frozenset({shown}) if shown else frozenset())
        listed = found.reviews
        return {"thread": found.thread, "nonce": page_hole("nonce"), "here": request.full_path.rstrip("?"),
                "blocked": error_text(found.blocked) if found.blocked else None,
                "release_id": found.release_id, "season": found.season, "episode": found.episode,
                "reviews": listed.items if listed else [], "reviews_total": len(listed.items) if listed else 0,
                "my_review": listed.mine if listed else None, "score": listed.score if listed else None}
    return {"social_panel": social_panel, "thread_url": _thread_url}


def _thread_url(**changes) -> str:
    """The current page with thread arguments changed (page, sort, reveal)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return request.path + ("?" + urlencode(args) if args else "")


def error_text(exc: AppError) -> str:
    """The service's message in the member's language (mutes and limits carry values)."""
    if isinstance(exc, rules.Muted):
        text = _("You are muted until %(when)s UTC.", when=exc.until.strftime("%Y-%m-%d %H:%M"))
        if exc.reason:
            text += " " + _("Reason: %(reason)s", reason=exc.reason)
        return text + " " + _("You can still read.")
    if isinstance(exc, rules.RateLimited):
        return _("You can post at most %(n)s times a minute. Wait a moment and send it again.", n=exc.limit)
    return _(exc.message)


def _back(default: str, anchor: str = "") -> str:
    return (safe_next(request.form.get("next")) or default).split("#")[0] + anchor


def _compose_error(exc: AppError, template_args: dict):
    """The compose page with the service's message and the member's text kept."""
    return render_template("social/compose.html", error=exc, message=error_text(exc), field=exc.field,
                           next=safe_next(request.form.get("next")) or "/", **template_args), exc.status


@bp.post("/releases/<int:release_id>/comments")
@access("member")
def comment_post(release_id: int):
    """Post a comment or a reply from the thread's form."""
    form = request.form
    try:
        row = comments.post(current_user, release_id, form.get("body"), form.get("season") or None,
                            form.get("episode") or None, form.get("parent_id") or None,
                            form.get("spoiler_episode") or None, form.get("nonce"),
                            current_app.config["SOCIAL_RATE_LIMIT"])
    except AppError as exc:
        if exc.status == 404 and exc.field is None:
            raise
        return _compose_error(exc, {"release_id": release_id, "form": form,
                                    "action": url_for("social.comment_post", release_id=release_id)})
    return redirect(_back(url_for("catalog.release", release_id=release_id), f"#comment-{row.id}"))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@access("member")
def comment_edit(comment_id: int):
    """Edit one's own comment (15 minutes)."""
    view = comments.read_one(current_user, comment_id, reveal=True)
    if request.method == "POST":
        try:
            comments.edit(current_user, comment_id, request.form.get("body"),
                          request.form.get("spoiler_episode") or None)
        except AppError as exc:
            if exc.status == 404:
                raise
            return render_template("social/edit.html", view=view, error=exc, message=error_text(exc),
                                   body=request.form.get("body", ""),
                                   next=safe_next(request.form.get("next")) or "/"), exc.status
        flash(_("Comment saved."), "success")
        return redirect(_back(url_for("catalog.release", release_id=view.release_id), f"#comment-{comment_id}"))
    if not view.mine:
        raise AppError("You can only change your own comments.", status=403, code="forbidden")
    return render_template("social/edit.html", view=view, error=None, body=view.body or "",
                           next=safe_next(request.args.get("next")) or url_for("catalog.release", release_id=view.release_id))


@bp.post("/comments/<int:comment_id>/delete")
@access("member")
def comment_delete(comment_id: int):
    """Delete one's own comment."""
    view = comments.read_one(current_user, comment_id)
    comments.delete(current_user, comment_id)
    flash(_("Comment deleted."), "success")
    return redirect(_back(url_for("catalog.release", release_id=view.release_id), f"#comment-{comment_id}"))


@bp.get("/comments/<int:comment_id>/reveal")
@access("member")
def comment_reveal(comment_id: int):
    """"Show anyway": the text of one gated comment, as an HTML fragment for the thread."""
    view = comments.read_one(current_user, comment_id, reveal=True)
    return render_template("social/_revealed.html", view=view)


@bp.post("/comments/<int:target_id>/report", defaults={"kind": "comment"}, endpoint="report_comment")
@bp.post("/reviews/<int:target_id>/report", defaults={"kind": "review"})
@access("member")
def report(kind: str, target_id: int):
    """Report a comment or review to the moderators."""
    try:
        moderation.report(current_user, kind, target_id, request.form.get("reason"))
    except AppError as exc:
        if exc.status == 404:
            raise
        flash(error_text(exc), "error")
        return redirect(_back("/")), 303
    flash(_("Thank you. A moderator will look at it."), "success")
    return redirect(_back("/", f"#{kind}-{target_id}"))


@bp.post("/releases/<int:release_id>/review")
@access("member")
def review_save(release_id: int):
    """Write or rewrite one's review of a release."""
    form = request.form
    try:
        review, created = reviews.save(current_user, release_id, form.get("score"), form.get("body"),
                                       form.get("spoiler_episode") or None,
                                       create_only=form.get("create") == "1",
                                       limit_per_minute=current_app.config["SOCIAL_RATE_LIMIT"])
    except AppError as exc:
        if exc.status == 404 and exc.field is None:
            raise
        return render_template("social/review_form.html", error=exc, message=error_text(exc), form=form,
                               release_id=release_id,
                               next=safe_next(form.get("next")) or "/"), exc.status
    flash(_("Review published.") if created else _("Review saved."), "success")
    return redirect(_back(url_for("catalog.release", release_id=release_id), f"#review-{review.id}"))


@bp.post("/releases/<int:release_id>/review/delete")
@access("member")
def review_delete(release_id: int):
    """Delete one's own review."""
    reviews.delete_mine(current_user, release_id)
    flash(_("Review deleted."), "success")
    return redirect(_back(url_for("catalog.release", release_id=release_id), "#reviews"))


@bp.post("/reviews/<int:review_id>/helpful")
@access("member")
def review_helpful(review_id: int):
    """Mark a review helpful, or take the mark back (``on`` = 1 / 0)."""
    try:
        reviews.vote(current_user, review_id, request.form.get("on") != "0")
    except AppError as exc:
        if exc.status == 404:
            raise
        flash(error_text(exc), "error")
    return redirect(_back("/", f"#review-{review_id}"))

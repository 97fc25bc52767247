"""Notifications in the app: the bell's unread count, the notifications page and its actions,
and the follow / unfollow buttons of the release and player pages. Views are thin."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from ..security.access import access
from .. import events
from ..cache import get_cache
from ..clock import utcnow
from ..errors import AppError
from ..notify import inbox, listeners, stalled, subscriptions, unfollow_links
from ..notify.prefs import local
from .templating import current_language
from .library_forms import form_action
from .safe_redirect import next_or

bp = Blueprint("notify", __name__)


@bp.record_once
def _connect(state) -> None:
    """Connect the notification receivers; drop cached unread counts after each sync chunk."""
    listeners.connect()
    cache = get_cache(state.app)

    def drop_counts(sender, **kwargs):
        cache.invalidate_tag(inbox.UNREAD_TAG)

    state.app.extensions["anihome.notify.drop_counts"] = drop_counts  # blinker holds receivers weakly
    events.catalog_changed.connect(drop_counts)

PER_PAGE = 50


@bp.app_context_processor
def _notify_globals():
    """``notify_unread()`` for the bell (the cached count, or None: the page then asks the API,
    so rendering a page never runs the count) and ``follow_state(release_id)`` (one query)."""
    def notify_unread() -> int | None:
        if not current_user.is_authenticated:
            return 0
        return inbox.peek_unread(get_cache(current_app), current_user.id)

    def follow_state(release_id: int):
        if not current_user.is_authenticated:
            return None
        followed, dubs = subscriptions.state(current_user.id, release_id)
        return {"subscription": followed, "dubs": [] if followed else dubs}
    return {"notify_unread": notify_unread, "follow_state": follow_state}


@bp.get("/notifications")
@access("member")
def index():
    """The member's notifications, newest first, grouped by day."""
    unread = request.args.get("filter") == "unread"
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    items = inbox.page(current_user.id, unread, PER_PAGE, (page - 1) * PER_PAGE, current_language())
    total = inbox.count(current_user.id, unread)
    tz = current_app.config.get("TIMEZONE") or "UTC"
    today = local(utcnow(), tz).date()
    followed = subscriptions.followed_among(current_user.id, {i.note.release_id for i in items if i.note.release_id})
    to_local = lambda moment: local(moment, tz)  # noqa: E731
    return render_template("notify/notifications.html", groups=inbox.grouped(items, today, to_local), unread=unread,
                           followed=followed, to_local=to_local,
                           page=page, pages=max(1, -(-total // PER_PAGE)), total=total,
                           unread_total=inbox.unread_count(current_user.id))


@bp.post("/notifications/read")
@access("member")
@form_action("/notifications")
def read_all():
    """Mark every notification read."""
    inbox.mark_read(current_user.id, everything=True)


@bp.post("/notifications/<int:notification_id>/read")
@access("member")
@form_action("/notifications")
def read_one(notification_id: int):
    """Mark one notification read (or unread again with read=0)."""
    inbox.own(current_user.id, notification_id)
    inbox.mark_read(current_user.id, [notification_id], read=request.form.get("read", "1") != "0")


@bp.get("/notifications/<int:notification_id>/open")
@access("member")
def open_one(notification_id: int):
    """Mark read and go to what the notification is about (the episode's player page)."""
    note = inbox.own(current_user.id, notification_id)
    if not note.read:
        inbox.mark_read(current_user.id, [note.id])
    link = inbox.with_text([note], current_language())[0].text.link
    return redirect(link or url_for(".index"))


@bp.post("/notifications/<int:notification_id>/delete")
@access("member")
@form_action("/notifications")
def delete(notification_id: int):
    """Delete one notification."""
    inbox.delete(current_user.id, notification_id)


@bp.post("/notifications/<int:notification_id>/unfollow")
@access("member")
@form_action("/notifications")
def unfollow_from(notification_id: int):
    """Stop following the release a notification is about (one click, from the notification)."""
    note = inbox.own(current_user.id, notification_id)
    if note.release_id is None:
        raise AppError("This notification is not about a release.", "id")
    subscriptions.unfollow(current_user.id, note.release_id)
    inbox.mark_read(current_user.id, [note.id])


@bp.post("/notifications/<int:notification_id>/switch")
@access("member")
@form_action("/notifications")
def switch_dub(notification_id: int):
    """Switch my dub of the release to the one that is ahead (from a dub-stalled notification)."""
    release_id, translation_id = stalled.switch(current_user.id, notification_id)
    return redirect(url_for("catalog.release", release_id=release_id, translation=translation_id))


@bp.post("/releases/<int:release_id>/follow")
@access("member")
@form_action("/")
def follow(release_id: int):
    """Follow a release: every dub, or only the dubs ticked in the form."""
    picked = request.form.getlist("translation")
    try:
        translations = [int(t) for t in picked] if picked else None
    except ValueError:
        raise AppError("translations must be translation ids.", "translations") from None
    subscriptions.follow(current_user.id, release_id, translations)
    return redirect(next_or(url_for("catalog.release", release_id=release_id)))


@bp.post("/releases/<int:release_id>/unfollow")
@access("member")
@form_action("/")
def unfollow(release_id: int):
    """Stop following a release (one click)."""
    subscriptions.unfollow(current_user.id, release_id)
    return redirect(next_or(url_for("catalog.release", release_id=release_id)))


@bp.get("/unfollow/<token>")
@access("public")
def unfollow_link(token: str):
    """The unfollow link of a push or an e-mail: says what it would stop; changes nothing (a GET)."""
    user, release = unfollow_links.read(current_app.secret_key, token)
    followed = subscriptions.get(user.id, release.id) is not None
    return render_template("notify/unfollow.html", release=release, token=token, followed=followed, done=False)


@bp.post("/unfollow/<token>")
@access("public")
def unfollow_by_link(token: str):
    """The confirm button of that page: unfollow, without signing in (the signed token decides)."""
    _user, release, _changed = unfollow_links.unfollow(current_app.secret_key, token)
    return render_template("notify/unfollow.html", release=release, token=token, followed=False, done=True)

"""The in-app notifications: the unread count (one indexed COUNT), pages, mark read, delete,
and pruning read ones after NOTIFY_RETENTION_DAYS (the nightly housekeeping job calls ``prune``)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, NotFound
from ..models import Release, Translation
from ..models.notify import Notification
from .render import Rendered, data_of, render

log = logging.getLogger(__name__)

MAX_IDS = 500


UNREAD_TAG = "notify:unread"
UNREAD_TTL = 60


def unread_count(user_id: int) -> int:
    """Unread notifications of a member: one COUNT on the (user, read) index."""
    return (Notification.select().where((Notification.user == user_id) & (Notification.read == False))  # noqa: E712
            .count())


def cached_unread(cache, user_id: int) -> int:
    """The unread count through the app cache. Entries drop when the member's data changes
    (``member_data_changed``: marking read, deleting, new notifications outside a sync) and
    after each sync chunk (``catalog_changed``); a minute at most otherwise."""
    return cache.get_or_set(f"notify:unread:{user_id}", lambda: unread_count(user_id), UNREAD_TTL,
                            (f"user:{user_id}", UNREAD_TAG))


def peek_unread(cache, user_id: int) -> int | None:
    """The cached unread count, or None when it is not cached (never a query)."""
    return cache.get(f"notify:unread:{user_id}")


def announce(user_ids) -> None:
    """Tell listeners (the cache) that these members' notifications changed. Call after commit."""
    for user_id in sorted(set(user_ids)):
        events.member_data_changed.send(None, user_id=user_id, kind="notifications")


def _query(user_id: int, unread: bool = False):
    query = Notification.select().where(Notification.user == user_id)
    if unread:
        query = query.where(Notification.read == False)  # noqa: E712
    return query


def count(user_id: int, unread: bool = False) -> int:
    return _query(user_id, unread).count()


@dataclass(frozen=True)
class Item:
    note: Notification
    text: Rendered
    release_title: str
    dub: str
    data: dict


def page(user_id: int, unread: bool = False, limit: int = 50, offset: int = 0, lang: str = "en") -> list[Item]:
    """Newest first, each with its text and link (release titles and dubs in two queries)."""
    notes = list(_query(user_id, unread).order_by(Notification.created_at.desc(), Notification.id.desc())
                 .limit(limit).offset(offset))
    return with_text(notes, lang)


def with_text(notes, lang: str = "en") -> list[Item]:
    release_ids = {n.release_id for n in notes if n.release_id}
    dub_ids = {n.translation_id for n in notes if n.translation_id}
    titles = dict(Release.select(Release.id, Release.title).where(Release.id.in_(list(release_ids))).tuples()) \
        if release_ids else {}
    dubs = dict(Translation.select(Translation.id, Translation.team).where(
        Translation.id.in_(list(dub_ids))).tuples()) if dub_ids else {}
    return [Item(n, render(n, titles.get(n.release_id, ""), dubs.get(n.translation_id, ""), lang),
                 titles.get(n.release_id, ""), dubs.get(n.translation_id, ""), data_of(n)) for n in notes]


def grouped(items: list[Item], today: date, local=lambda moment: moment) -> list[tuple[str, list[Item]]]:
    """Items by day (``local`` turns stored UTC into the household's time), newest day first:
    ("today" | "yesterday" | "YYYY-MM-DD", items)."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        day = local(item.note.created_at).date()
        label = "today" if day == today else "yesterday" if (today - day).days == 1 else day.isoformat()
        groups.setdefault(label, []).append(item)
    return list(groups.items())


def own(user_id: int, notification_id) -> Notification:
    row = Notification.get_or_none((Notification.id == notification_id) & (Notification.user == user_id))
    if row is None:
        raise NotFound("No such notification.", "id")
    return row


def mark_read(user_id: int, ids=None, everything: bool = False, read: bool = True) -> int:
    """Mark the given notifications (or all of them) read; returns how many changed."""
    if not everything:
        if not isinstance(ids, list) or not ids or len(ids) > MAX_IDS or any(
                isinstance(i, bool) or not isinstance(i, int) for i in ids):
            raise AppError("ids must be a list of 1 to %(n)s notification ids (or send all: true).", "ids",
                           values={"n": MAX_IDS})
    query = Notification.update(read=read).where((Notification.user == user_id) & (Notification.read != read))
    if not everything:
        query = query.where(Notification.id.in_(ids))
    with write_transaction():
        changed = query.execute()
    if changed:
        events.member_data_changed.send(None, user_id=user_id, kind="notifications")
    return changed


def delete(user_id: int, notification_id) -> None:
    row = own(user_id, notification_id)
    with write_transaction():
        row.delete_instance()
    events.member_data_changed.send(None, user_id=user_id, kind="notifications")


PRUNE_BATCH = 500


def prune(days: int, now: datetime | None = None) -> int:
    """Delete read notifications older than ``days`` (0 or less keeps them all), in short
    batches so the writer lock is never held long; unread ones and those still waiting to
    be pushed stay. Their deliveries go with them (ON DELETE CASCADE). Returns how many."""
    if days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    old = ((Notification.read == True) & (Notification.push_pending == False)  # noqa: E712
           & (Notification.created_at < cutoff))
    deleted = 0
    while True:
        ids = [row.id for row in Notification.select(Notification.id).where(old).limit(PRUNE_BATCH)]
        if not ids:
            break
        with write_transaction():
            deleted += Notification.delete().where(Notification.id.in_(ids)).execute()
        if len(ids) < PRUNE_BATCH:
            break
    if deleted:
        log.info("notify pruned read notifications=%s older_than_days=%s", deleted, days)
    return deleted

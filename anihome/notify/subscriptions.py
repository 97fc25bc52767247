"""Following releases: all their dubs, or only some. Adding a release to "watching" follows it
(unless the member turned that off); unfollowing is one call."""
from __future__ import annotations

import logging

from peewee import JOIN

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError, NotFound
from ..models import Release, Translation, User
from ..models.notify import Subscription
from . import prefs

log = logging.getLogger(__name__)

MAX_TRANSLATIONS = 50


def get(user_id: int, release_id: int) -> Subscription | None:
    return Subscription.get_or_none((Subscription.user == user_id) & (Subscription.release == release_id))


def for_user(user_id: int, limit: int = 100, offset: int = 0) -> list[Subscription]:
    return list(Subscription.select().where(Subscription.user == user_id)
                .order_by(Subscription.created_at.desc(), Subscription.id.desc()).limit(limit).offset(offset))


def followed_among(user_id: int, release_ids) -> set[int]:
    """Which of ``release_ids`` the member follows (one query)."""
    ids = sorted(release_ids)
    if not ids:
        return set()
    return {r for (r,) in Subscription.select(Subscription.release).where(
        (Subscription.user == user_id) & Subscription.release.in_(ids)).tuples()}


def count(user_id: int) -> int:
    return Subscription.select().where(Subscription.user == user_id).count()


def state(user_id: int, release_id: int) -> tuple[Subscription | None, list[tuple[int, str]]]:
    """(the member's subscription or None, the release's available dubs) in one query."""
    rows = (Translation.select(Translation.id, Translation.team, Subscription.id, Subscription.translations,
                               Subscription.created_at)
            .join(Subscription, JOIN.LEFT_OUTER, on=((Subscription.release == Translation.release)
                                                      & (Subscription.user == user_id)))
            .where((Translation.release == release_id) & (Translation.available == True))  # noqa: E712
            .order_by(Translation.team).tuples())
    rows = list(rows)
    if not rows:
        return get(user_id, release_id), []
    sid, dubs_text, created = rows[0][2:]
    sub = Subscription(id=sid, user=user_id, release=release_id, translations=dubs_text or "",
                       created_at=created) if sid else None
    return sub, [(tid, team) for tid, team, *_ in rows]


def dubs_of(release_id: int) -> list[tuple[int, str]]:
    """(id, title) of a release's available dubs, for choosing which to follow."""
    return list(Translation.select(Translation.id, Translation.team)
                .where((Translation.release == release_id) & (Translation.available == True))  # noqa: E712
                .order_by(Translation.team).tuples())


def _release(user_id: int, release_id) -> Release:
    """The release, if it exists and the member's age cap lets them see it."""
    release = Release.get_or_none(Release.id == release_id) if isinstance(release_id, int) else None
    cap = User.select(User.age_cap).where(User.id == user_id).scalar()
    if release is None or cap is not None and (release.age_limit is None or release.age_limit > cap):
        raise NotFound("No such release.", "release_id")
    return release


def _translations(release_id: int, translations) -> str:
    """The stored form of a dub choice: "" for every dub, else sorted ids of this release's dubs."""
    if translations is None:
        return ""
    if not isinstance(translations, (list, tuple)) or not translations:
        raise AppError("translations must be a non-empty list of translation ids, or null for every dub.",
                       "translations")
    if len(translations) > MAX_TRANSLATIONS or any(isinstance(t, bool) or not isinstance(t, int)
                                                   for t in translations):
        raise AppError("translations must be a list of translation ids.", "translations")
    wanted = set(translations)
    found = {t for (t,) in Translation.select(Translation.id)
             .where((Translation.release == release_id) & Translation.id.in_(list(wanted))).tuples()}
    missing = sorted(wanted - found)
    if missing:
        raise AppError("Translation %(id)s is not a dub of this release.", "translations", values={"id": missing[0]})
    return ",".join(str(t) for t in sorted(wanted))


def follow(user_id: int, release_id, translations=None) -> Subscription:
    """Follow a release (``translations``: None for every dub, or ids of some of its dubs)."""
    release = _release(user_id, release_id)
    stored = _translations(release.id, translations)
    with write_transaction():
        row = get(user_id, release.id)
        if row is None:
            row = Subscription.create(user=user_id, release=release.id, translations=stored, created_at=utcnow())
        elif row.translations != stored:
            row.translations = stored
            row.save()
    log.info("notify follow user_id=%s release_id=%s translations=%s", user_id, release.id, stored or "all")
    events.member_data_changed.send(None, user_id=user_id, kind="subscriptions")
    return row


def unfollow(user_id: int, release_id) -> bool:
    """Stop following; True when there was something to stop."""
    with write_transaction():
        removed = Subscription.delete().where((Subscription.user == user_id)
                                              & (Subscription.release == release_id)).execute()
    if removed:
        log.info("notify unfollow user_id=%s release_id=%s", user_id, release_id)
        events.member_data_changed.send(None, user_id=user_id, kind="subscriptions")
    return bool(removed)


def on_list_status_changed(sender, user_id=None, release_id=None, status=None, **kwargs) -> None:
    """Signal receiver: a release put on "watching" is followed (all dubs) when the member wants it."""
    if status not in ("watching", "rewatching") or user_id is None or release_id is None:
        return
    if not prefs.get(user_id).follow_watching or get(user_id, release_id) is not None:
        return
    with write_transaction():
        Subscription.insert(user=user_id, release=release_id, translations="", created_at=utcnow()) \
            .on_conflict_ignore().execute()
    log.info("notify follow user_id=%s release_id=%s reason=watching", user_id, release_id)

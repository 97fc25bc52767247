"""One list status per (member, release), with a score, rewatch count and episode count,
and the automatic transitions driven by watched episodes.

Transitions when an episode is counted as watched (see docs/library.md):

==========================  =====================  ==============================================
status now                  episode watched        new status
==========================  =====================  ==============================================
(no entry) / planned        any                    watching
watching                    the release's last     completed
rewatching                  the release's last     completed, rewatch_count + 1
completed (automatic)       the first one again    rewatching
on_hold / dropped           any                    unchanged when set by the member (``manual``)
==========================  =====================  ==============================================

A status the member sets by hand is an override (``manual``): automation then only moves it
forward (planned -> watching, watching/rewatching -> completed), never back or sideways.

Every function taking a member id applies the member's age cap (``catalog.agecap``): an
entry whose release is above the cap is neither shown, counted, exported nor created.
"""
from __future__ import annotations

import logging
from datetime import date, datetime

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..catalog.agecap import apply_age_cap, member_cap, require_allowed
from ..errors import AppError, NotFound
from ..models import ListEntry, Release, WatchProgress
from ..models.library import LIST_STATUSES
from . import episodes
from .validate import row_id, whole

log = logging.getLogger(__name__)

EDITABLE = ("status", "score", "rewatch_count", "episodes_watched", "manual", "notes",
            "started_on", "finished_on")


def get_release(release_id, field: str = "release_id", age_cap: int | None = None) -> Release:
    """The release with this id; NotFound when missing or above ``age_cap`` (a capped
    member never sees a release whose age rating is unknown). Services working for a
    member use ``release_for``, which reads the member's cap itself."""
    rid = row_id(release_id, field)
    return require_allowed(Release.get_or_none(Release.id == rid), age_cap, field)


def release_for(user_id: int, release_id, field: str = "release_id") -> Release:
    """The release with this id as member ``user_id`` may use it: NotFound when missing or
    above the member's age cap. Every library write and single-release read goes through it."""
    return get_release(release_id, field, member_cap(user_id))


def get_entry(user_id: int, release_id: int) -> ListEntry | None:
    return ListEntry.get_or_none((ListEntry.user == user_id) & (ListEntry.release == release_id))


def own_entry(user_id: int, release_id) -> ListEntry:
    """The member's entry for a release; NotFound when there is none (or it is someone
    else's, or the release is above the member's age cap)."""
    entry = get_entry(user_id, release_for(user_id, release_id).id)
    if entry is None:
        raise NotFound("This release is not on your lists.", "release_id")
    return entry


def entries(user_id: int, status: str | None = None, limit: int = 50, offset: int = 0,
            sort: str = "updated"):
    """The member's entries with their releases, newest change first (or by title); only
    releases the member's age cap allows."""
    if status is not None and status not in LIST_STATUSES:
        raise AppError(f"status must be one of: {', '.join(LIST_STATUSES)}.", "status")
    orders = {"updated": (ListEntry.updated_at.desc(), ListEntry.id.desc()),
              "title": (Release.sort_title, ListEntry.id),
              "score": (ListEntry.score.desc(nulls="LAST"), Release.sort_title)}
    if sort not in orders:
        raise AppError(f"sort must be one of: {', '.join(orders)}.", "sort")
    query = visible(ListEntry.select(ListEntry, Release), user_id)
    if status:
        query = query.where(ListEntry.status == status)
    return list(query.order_by(*orders[sort]).limit(limit).offset(offset))


def visible(query, user_id: int):
    """``query`` over ListEntry joined to its Release: the member's entries within their cap."""
    return apply_age_cap(query.join(Release).where(ListEntry.user == user_id), member_cap(user_id))


def count(user_id: int, status: str | None = None) -> int:
    query = visible(ListEntry.select(ListEntry.id), user_id)
    if status:
        query = query.where(ListEntry.status == status)
    return query.count()


def counts_by_status(user_id: int) -> dict[str, int]:
    from peewee import fn

    rows = (visible(ListEntry.select(ListEntry.status, fn.COUNT(ListEntry.id)), user_id)
            .group_by(ListEntry.status).tuples())
    found = dict(rows)
    return {status: found.get(status, 0) for status in LIST_STATUSES}


def _validated(changes: dict) -> dict:
    clean: dict = {}
    for key, value in changes.items():
        if key not in EDITABLE:
            raise AppError(f"Unknown field {key}.", key)
        if key == "status":
            if value not in LIST_STATUSES:
                raise AppError(f"status must be one of: {', '.join(LIST_STATUSES)}.", "status")
        elif key == "score":
            if value in (None, "", 0):
                value = None
            else:
                value = whole(value, "score", 1, 10)
        elif key in ("rewatch_count", "episodes_watched"):
            value = whole(value, key, 0, 100_000)
        elif key == "manual":
            if not isinstance(value, bool):
                raise AppError("manual must be true or false.", "manual")
        elif key == "notes":
            if not isinstance(value, str) or len(value) > 2000:
                raise AppError("notes must be text of at most 2000 characters.", "notes")
        elif key in ("started_on", "finished_on"):
            value = _date(value, key)
        clean[key] = value
    return clean


def _date(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise AppError(f"{field} must be a date like 2024-01-31.", field) from None


def set_entry(user_id: int, release_id, changes: dict, now: datetime | None = None) -> ListEntry:
    """Create or update the member's entry. Setting ``status`` by hand marks it ``manual``
    unless ``manual`` is given. A new entry needs a status. A release above the member's
    age cap is NotFound."""
    release = release_for(user_id, release_id)
    clean = _validated(changes)
    now = now or utcnow()
    if "status" in clean and "manual" not in clean:
        clean["manual"] = True
    with write_transaction():
        entry = get_entry(user_id, release.id)
        if entry is None:
            if "status" not in clean:
                raise AppError("A new list entry needs a status.", "status")
            entry = ListEntry(user=user_id, release=release, created_at=now,
                              episodes_watched=_watched_count(user_id, release.id))
        previous = entry.status if entry.id is not None else None
        if clean.get("status") == "completed" and entry.status != "completed":
            clean.setdefault("finished_on", now.date())
        if clean.get("status") in ("watching", "rewatching") and entry.started_on is None:
            clean.setdefault("started_on", now.date())
        for key, value in clean.items():
            setattr(entry, key, value)
        entry.updated_at = now
        entry.save()
    log.info("list entry set user_id=%s release_id=%s status=%s", user_id, release.id, entry.status)
    events.member_data_changed.send(None, user_id=user_id, kind="lists")
    if entry.status != previous:
        events.list_status_changed.send(None, user_id=user_id, release_id=release.id, status=entry.status,
                                        previous=previous)
    return entry


def delete_entry(user_id: int, release_id) -> None:
    entry = own_entry(user_id, release_id)
    with write_transaction():
        entry.delete_instance()
    events.member_data_changed.send(None, user_id=user_id, kind="lists")


def _watched_count(user_id: int, release_id: int) -> int:
    return (WatchProgress.select()
            .where((WatchProgress.user == user_id) & (WatchProgress.release == release_id)
                   & (WatchProgress.watched == True))  # noqa: E712
            .count())


def on_episode_watched(user_id: int, release: Release, season: int, number: int,
                       translation=None, now: datetime | None = None) -> ListEntry:
    """Apply the automatic transitions after an episode was counted as watched.

    Runs inside the caller's write transaction."""
    now = now or utcnow()
    entry = get_entry(user_id, release.id)
    previous = entry.status if entry is not None else None
    final = episodes.final_episode(release)
    is_last = final is not None and (season, number) >= final
    first = episodes.is_first(translation, season, number)
    if entry is None:
        entry = ListEntry(user=user_id, release=release, status="watching", manual=False,
                          created_at=now, started_on=now.date())
    status, manual = entry.status, entry.manual
    if status == "planned":
        status = "watching"
    elif status in ("on_hold", "dropped") and not manual:
        status = "watching"
    elif status == "completed" and not manual and first and not is_last:
        status = "rewatching"
    if is_last and status in ("watching", "rewatching"):
        if status == "rewatching":
            entry.rewatch_count += 1
        status = "completed"
        entry.finished_on = now.date()
    if status != entry.status:
        log.info("list transition user_id=%s release_id=%s from=%s to=%s",
                 user_id, release.id, entry.status, status)
        entry.status = status
        entry.manual = False
        if status in ("watching", "rewatching") and entry.started_on is None:
            entry.started_on = now.date()
    entry.episodes_watched = max(entry.episodes_watched or 0, _watched_count(user_id, release.id))
    entry.updated_at = now
    entry.save()
    if entry.status != previous:
        events.list_status_changed.send(None, user_id=user_id, release_id=release.id, status=entry.status,
                                        previous=previous)
    return entry


def statuses_of(user_ids: list[int]) -> dict[int, dict[int, str]]:
    """Each member's list status per release, for several members in one query (other areas)."""
    out: dict[int, dict[int, str]] = {user_id: {} for user_id in user_ids}
    rows = (ListEntry.select(ListEntry.user, ListEntry.release, ListEntry.status)
            .where(ListEntry.user.in_(list(user_ids))).tuples())
    for user_id, release_id, status in rows:
        out[user_id][release_id] = status
    return out


def statuses(user_id: int, release_ids=None) -> dict[int, str]:
    """The member's list status per release (of ``release_ids``, or all), for other areas."""
    query = ListEntry.select(ListEntry.release, ListEntry.status).where(ListEntry.user == user_id)
    if release_ids is not None:
        query = query.where(ListEntry.release.in_(list(release_ids)))
    return dict(query.tuples())

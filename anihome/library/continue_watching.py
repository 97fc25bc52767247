"""The "continue watching" row and "next up" per release.

For each release a member watched lately: the episode they left part-way (resume), else the
episode after the last one they finished (next), in the dub they chose. Releases they
removed from the row, snoozed, dropped, or have nothing new to watch in, are left out.
A removed or snoozed release comes back as soon as the member watches it again. Releases
above the member's age cap are never offered (``catalog.agecap``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from peewee import fn

from .. import events
from ..catalog.agecap import allowed, apply_age_cap, member_cap
from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError
from ..models import ContinueHidden, ListEntry, Release, ReleaseChoice, Translation, WatchProgress
from . import episodes, progress
from .lists import release_for

log = logging.getLogger(__name__)

MAX_SNOOZE_DAYS = 365
MAX_CANDIDATES = 200  # releases looked at for one row (caught-up ones are skipped)


@dataclass
class ContinueItem:
    """One card of the row. ``kind`` is "resume" (part-way) or "next" (the following episode);
    ``position`` is where the player will start (seconds); ``url`` opens the player."""
    release: Release
    translation_id: int
    season: int
    episode: int
    kind: str
    position: int
    duration: float | None
    percent: int
    updated_at: datetime
    url: str

    @property
    def release_id(self) -> int:
        return self.release.id


def watch_url(release_id: int, translation_id: int, season: int, episode: int) -> str:
    """The player page for one episode (the same URL the catalog's release page links to)."""
    query = urlencode({"translation": translation_id, "season": season, "episode": episode})
    return f"/watch/{release_id}?{query}"


def default_translation(release_id: int) -> Translation | None:
    """The dub offered when a member has not chosen one: one the rights holder has not
    blocked, voice first, then most episodes."""
    return _default(list(Translation.select().where(
        (Translation.release == release_id) & (Translation.available == True))))  # noqa: E712


def translation_for(user_id: int, release_id: int, hint: int | None = None) -> Translation | None:
    """The member's chosen dub for a release, else ``hint``, else the default one."""
    for candidate in (progress.chosen_translation(user_id, release_id), hint):
        if candidate is not None:
            translation = Translation.get_or_none((Translation.id == candidate)
                                                  & (Translation.release == release_id))
            if translation is not None and translation.available:
                return translation
    return default_translation(release_id)


def _default(translations: list[Translation]) -> Translation | None:
    """``default_translation``'s choice among already loaded translations."""
    key = lambda t: (t.is_blocked(), not t.voice,  # noqa: E731
                     -(t.episodes_count if t.episodes_count is not None else -1), t.id)
    return min(translations, key=key) if translations else None


def _items(user_id: int, release_ids: list[int], releases: dict[int, Release]) -> dict[int, ContinueItem]:
    """Next-up items for several releases with a fixed number of queries (not per release)."""
    if not release_ids:
        return {}
    newest = (WatchProgress.select(WatchProgress.release.alias("rid"),
                                   fn.MAX(WatchProgress.updated_at).alias("at"))
              .where((WatchProgress.user == user_id) & WatchProgress.release.in_(release_ids))
              .group_by(WatchProgress.release))
    latest: dict[int, WatchProgress] = {}
    for row in (WatchProgress.select()
                .join(newest, on=((WatchProgress.release == newest.c.rid)
                                  & (WatchProgress.updated_at == newest.c.at)))
                .where(WatchProgress.user == user_id).order_by(WatchProgress.id.desc())):
        latest.setdefault(row.release_id, row)
    choices = dict(ReleaseChoice.select(ReleaseChoice.release, ReleaseChoice.translation)
                   .where((ReleaseChoice.user == user_id)
                          & ReleaseChoice.release.in_(release_ids)).tuples())
    per_release: dict[int, list[Translation]] = {}
    for t in Translation.select().where(Translation.release.in_(release_ids)
                                        & (Translation.available == True)):  # noqa: E712
        per_release.setdefault(t.release_id, []).append(t)
    picked: dict[int, Translation] = {}
    for release_id, row in latest.items():
        available = {t.id: t for t in per_release.get(release_id, [])}
        chosen = (available.get(choices.get(release_id)) or available.get(row.translation_id)
                  or _default(list(available.values())))
        if chosen is not None:
            picked[release_id] = chosen
    lists_by_translation = episodes.episode_lists(list(picked.values()))
    others: dict[int, dict[tuple[int, int], tuple[bool, float, float | None]]] = {}
    for rid, season, number, watched, position, duration in (
            WatchProgress.select(WatchProgress.release, WatchProgress.season, WatchProgress.number,
                                 WatchProgress.watched, WatchProgress.position, WatchProgress.duration)
            .where((WatchProgress.user == user_id)
                   & WatchProgress.release.in_([r for r in picked if latest[r].watched])).tuples()):
        others.setdefault(rid, {})[(season, number)] = (watched, position, duration)
    items: dict[int, ContinueItem] = {}
    for release_id, translation in picked.items():
        row, release = latest[release_id], releases[release_id]
        if not row.watched:
            items[release_id] = ContinueItem(
                release, translation.id, row.season, row.number, "resume",
                progress.resume_position(row), row.duration, row.percent, row.updated_at,
                watch_url(release_id, translation.id, row.season, row.number))
            continue
        seen = others.get(release_id, {})
        nxt = next(((s, n) for s, n, _ in lists_by_translation[translation.id]
                    if (s, n) > (row.season, row.number) and not seen.get((s, n), (False,))[0]),
                   None)
        if nxt is None:
            continue
        later = seen.get(nxt)
        resume = (WatchProgress(position=later[1], duration=later[2], watched=False)
                  if later else None)
        items[release_id] = ContinueItem(
            release, translation.id, nxt[0], nxt[1], "next", progress.resume_position(resume),
            later[2] if later else None, resume.percent if resume else 0, row.updated_at,
            watch_url(release_id, translation.id, *nxt))
    return items


def next_up(user_id: int, release_id: int, release: Release | None = None) -> ContinueItem | None:
    """Where the member goes on in a release, or None when they have not started it or are
    caught up with every episode available (or the release is above the member's cap)."""
    release = release or Release.get_or_none(Release.id == release_id)
    if release is None or not allowed(release, member_cap(user_id)):
        return None
    return _items(user_id, [release.id], {release.id: release}).get(release.id)


def for_user(user_id: int, limit: int = 12, now: datetime | None = None) -> list[ContinueItem]:
    """The member's continue-watching row, most recently watched first.

    Stable signature for the home page: ``for_user(user_id, limit) -> list[ContinueItem]``;
    each item has ``release`` (a Release), ``season``, ``episode``, ``kind``, ``percent`` and
    ``url``. Never raises for a member with no history (an empty list)."""
    now = now or utcnow()
    hidden = (ContinueHidden.select(ContinueHidden.release)
              .where((ContinueHidden.user == user_id)
                     & (ContinueHidden.hidden_until.is_null() | (ContinueHidden.hidden_until > now))))
    dropped = (ListEntry.select(ListEntry.release)
               .where((ListEntry.user == user_id) & (ListEntry.status == "dropped")))
    last = fn.MAX(WatchProgress.updated_at)
    recent = (WatchProgress.select(WatchProgress.release, last.alias("last"))
              .where((WatchProgress.user == user_id)
                     & WatchProgress.release.not_in(hidden) & WatchProgress.release.not_in(dropped)))
    cap = member_cap(user_id)
    if cap is not None:  # releases above the cap never become candidates
        recent = apply_age_cap(recent.join(Release, on=(WatchProgress.release == Release.id)), cap)
    recent = (recent.group_by(WatchProgress.release).order_by(last.desc())
              .limit(MAX_CANDIDATES).tuples())
    candidates = [release_id for release_id, _ in recent]
    found: list[ContinueItem] = []
    start, batch = 0, max(1, limit) + 4
    while start < len(candidates) and len(found) < limit:  # usually one batch fills the row
        chunk = candidates[start:start + batch]
        releases = {r.id: r for r in Release.select().where(Release.id.in_(chunk))}
        items = _items(user_id, [r for r in chunk if r in releases], releases)
        found += [items[r] for r in chunk if r in items]
        start, batch = start + batch, batch * 4
    return found[:max(0, limit)]


def hide(user_id: int, release_id, days: int | None = None, now: datetime | None = None) -> None:
    """Remove a release from the member's row (``days=None``) or snooze it for ``days``."""
    release = release_for(user_id, release_id)
    now = now or utcnow()
    until = None
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_SNOOZE_DAYS:
            raise AppError(f"days must be a whole number from 1 to {MAX_SNOOZE_DAYS}.", "days")
        until = now + timedelta(days=days)
    with write_transaction():
        ContinueHidden.delete().where((ContinueHidden.user == user_id)
                                      & (ContinueHidden.release == release.id)).execute()
        ContinueHidden.create(user=user_id, release=release, hidden_until=until, created_at=now)
    log.info("continue hidden user_id=%s release_id=%s days=%s", user_id, release.id, days)
    events.member_data_changed.send(None, user_id=user_id, kind="continue")

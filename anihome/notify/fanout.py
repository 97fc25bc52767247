"""Turn domain signals into notifications for the members who follow what changed.

* ``catalog_written`` (sent inside each sync chunk's transaction): new episodes of followed
  releases in followed dubs -> one ``episodes`` notification per (member, release, dub) per
  sync; a followed release that started or finished airing -> ``airing_started`` /
  ``airing_finished``. Written in the chunk's own transaction, so the episodes and their
  notifications commit together or not at all.
* ``comment_replied`` (social) -> ``comment_reply`` for the author of the comment answered.
"""
from __future__ import annotations

import logging
from collections import defaultdict

from ..db import write_transaction
from . import inbox, outbox

log = logging.getLogger(__name__)

AIRING_KINDS = {"ongoing": "airing_started", "released": "airing_finished"}


def _followers(release_ids: list[int]) -> list[tuple[int, int, set[int] | None]]:
    """(user, release, followed dub ids or None for all) of every subscription to these releases."""
    rows = outbox._in("SELECT user_id, release_id, translations FROM subscription WHERE release_id",
                      sorted(release_ids))
    return [(user, release, {int(t) for t in dubs.split(",")} if dubs else None) for user, release, dubs in rows]


def episode_notifications(sync_id: str, new_episodes) -> list[outbox.New]:
    """One notification per follower and (release, followed dub) with the episodes that landed."""
    landed: dict[int, dict[int, set[tuple[int, int]]]] = defaultdict(lambda: defaultdict(set))
    for release_id, translation_id, season, number in new_episodes:
        landed[release_id][translation_id].add((season, number))
    summary: dict[int, list[tuple[int, str, int, list[int]]]] = {}  # release -> [(dub, key, season, numbers)]
    for release_id, dubs in landed.items():
        rows = summary[release_id] = []
        for translation_id, episodes in dubs.items():
            season = max(s for s, _ in episodes)
            rows.append((translation_id, f"ep:{sync_id}:{release_id}:{translation_id}", season,
                         sorted(n for s, n in episodes if s == season)))
    New = outbox.New
    return [New(user, "episodes", key, release_id, translation_id, season, numbers)
            for user, release_id, followed in _followers(list(landed))
            for translation_id, key, season, numbers in summary[release_id]
            if followed is None or translation_id in followed]


def airing_notifications(status_changes) -> list[outbox.New]:
    kinds = {rid: AIRING_KINDS[new] for rid, _, new in status_changes if new in AIRING_KINDS}
    if not kinds:
        return []
    return [outbox.New(user, kinds[rid], f"air:{rid}:{kinds[rid]}", rid)
            for user, rid, _ in _followers(list(kinds))]


def on_catalog_written(sender, sync_id: str = "", new_episodes=(), status_changes=(), **kwargs) -> None:
    """Signal receiver, inside the sync chunk's write transaction."""
    if new_episodes:
        items = episode_notifications(sync_id, new_episodes)
        outbox.write(items, prefix=f"ep:{sync_id}:", want_ids=False)
        log.info("notify fanout sync_id=%s episodes=%d notifications=%d", sync_id, len(new_episodes), len(items))
    if status_changes:
        items = airing_notifications(status_changes)
        outbox.write(items, want_ids=False)
        log.info("notify fanout sync_id=%s airing=%d notifications=%d", sync_id, len(status_changes), len(items))


def on_comment_replied(sender, comment_id=None, parent_id=None, release_id=None, user_id=None,
                       parent_user_id=None, **kwargs) -> None:
    """Signal receiver: tell the author of the comment answered (not when they answered themselves)."""
    if parent_user_id is None or parent_user_id == user_id:
        return
    from ..models import User

    by = User.select(User.username).where(User.id == user_id).scalar() if user_id is not None else None
    item = outbox.New(parent_user_id, "comment_reply", f"reply:{comment_id}", release_id,
                      data={"comment_id": comment_id, "parent_id": parent_id, "by": by or ""})
    with write_transaction():
        outbox.write([item])
    inbox.announce([parent_user_id])
    log.info("notify comment reply user_id=%s comment_id=%s", parent_user_id, comment_id)

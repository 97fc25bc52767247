"""The dub-stalled rule: the dub a member watches a followed release in has added nothing for
more than NOTIFY_DUB_STALLED_DAYS days while another dub of the release is further along.

The member's dub is the one they chose in the player, else the only dub they follow. One
notification per stall (keyed by the stalled dub's last episode), with a one-click switch
to the dub that is ahead (``switch``).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Mapping

from ..clock import utcnow
from ..db import write_transaction
from ..errors import AppError
from ..library import progress
from ..models import ReleaseChoice, Translation
from ..models.notify import Notification, Subscription
from . import inbox, outbox
from .render import data_of

log = logging.getLogger(__name__)

JOB_ID = "notify-dub-stalled"


def _position(t: Translation) -> tuple[int, int]:
    return (t.last_season or 1, t.last_episode or 0)


def find_stalls(days: int, now: datetime) -> list[outbox.New]:
    """A notification for each follower whose dub is stalled while another is ahead."""
    subs = list(Subscription.select())
    if not subs:
        return []
    choices = {(c.user_id, c.release_id): c.translation_id for c in ReleaseChoice.select().where(
        ReleaseChoice.release.in_(sorted({s.release_id for s in subs})))}
    dubs: dict[int, list[Translation]] = {}
    for t in Translation.select().where(Translation.release.in_(sorted({s.release_id for s in subs}))
                                        & (Translation.available == True)):  # noqa: E712
        dubs.setdefault(t.release_id, []).append(t)
    limit = now - timedelta(days=days)
    items = []
    for sub in subs:
        mine_id = choices.get((sub.user_id, sub.release_id))
        followed = sub.translation_ids
        if mine_id is None and followed and len(followed) == 1:
            mine_id = followed[0]
        others = dubs.get(sub.release_id, [])
        mine = next((t for t in others if t.id == mine_id), None)
        if mine is None or mine.kodik_updated_at > limit:
            continue
        ahead = [t for t in others if t.id != mine.id and _position(t) > _position(mine)]
        if not ahead:
            continue
        best = max(ahead, key=lambda t: (_position(t), t.kodik_updated_at))
        season, episode = _position(mine)
        items.append(outbox.New(sub.user_id, "dub_stalled", f"stall:{sub.release_id}:{mine.id}:{season}.{episode}",
                                sub.release_id, mine.id, season,
                                data={"other_id": best.id, "other_dub": best.team, "other_episode": _position(best)[1],
                                      "days": (now - mine.kodik_updated_at).days}))
    return items


def notify_stalls(settings: Mapping[str, Any], now: datetime | None = None) -> int:
    now = now or utcnow()
    items = find_stalls(int(settings.get("NOTIFY_DUB_STALLED_DAYS") or 7), now)
    with write_transaction():
        created = outbox.write(items, now)
    inbox.announce(i.user_id for i in items)
    log.info("notify dub stalled candidates=%d new=%d", len(items), len(created))
    return len(created)


def switch(user_id: int, notification_id) -> tuple[int, int]:
    """Make the dub that is ahead the member's dub for that release (and follow it); returns (release, dub)."""
    note = inbox.own(user_id, notification_id)
    if note.kind != "dub_stalled":
        raise AppError("This notification offers no dub to switch to.", "id")
    other = data_of(note).get("other_id")
    target = Translation.get_or_none((Translation.id == other) & (Translation.release == note.release_id))
    if target is None:
        raise AppError("That dub is no longer available.", "id")
    progress.choose_translation(user_id, note.release_id, target.id)
    with write_transaction():
        sub = Subscription.get_or_none((Subscription.user == user_id) & (Subscription.release == note.release_id))
        if sub is not None and sub.translation_ids is not None and target.id not in sub.translation_ids:
            sub.translations = ",".join(str(t) for t in sorted([*sub.translation_ids, target.id]))
            sub.save()
        Notification.update(read=True).where(Notification.id == note.id).execute()
    log.info("notify dub switched user_id=%s release_id=%s translation_id=%s", user_id, note.release_id, target.id)
    return note.release_id, target.id


def stalled_job(ctx) -> dict[str, int]:
    """Job: tell members whose dub has stalled while another dub of the release moved on."""
    return {"notifications": notify_stalls(ctx.settings)}

"""Write notifications and their deliveries (the outbox) inside the caller's transaction.

One notification per (member, key): a key names the event ("ep:<sync>:<release>:<dub>" for a
sync's new episodes of one dub), so a second chunk of the same sync adds its episodes to the
notification already written instead of writing another. Each enabled channel of an allowed
kind gets one pending delivery with an idempotency key ``<notification>-<channel>``; the
sender job renders the message when it sends, so merged episodes reach the push too.
Set-based statements only: the sync calls this once per chunk.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from ..clock import utcnow
from ..db import database, portable_sql
from . import household

_BATCH = 400


@dataclass
class New:
    """A notification to write."""

    user_id: int
    kind: str
    key: str
    release_id: int | None = None
    translation_id: int | None = None
    season: int | None = None
    episodes: list[int] = field(default_factory=list)
    data: dict = field(default_factory=dict)


def _in(sql_head: str, values: list, params_before: tuple = ()) -> list[tuple]:
    rows: list[tuple] = []
    for start in range(0, len(values), _BATCH):
        part = values[start:start + _BATCH]
        marks = ",".join("?" * len(part))
        rows.extend(database.execute_sql(portable_sql(f"{sql_head} IN ({marks})"), [*params_before, *part])
                    .fetchall())
    return rows


def _episodes_text(numbers) -> str:
    return ",".join(str(n) for n in sorted(set(numbers)))


def write(items: list[New], now: datetime | None = None) -> list[int]:
    """Write (or merge into) notifications and queue their deliveries; returns new notification ids.

    Call inside a write transaction."""
    if not items:
        return []
    now = now or utcnow()
    keyed: dict[tuple[str, int], New] = {}
    for item in items:
        have = keyed.get((item.key, item.user_id))
        if have is None:
            keyed[(item.key, item.user_id)] = item
        elif item.episodes:
            have.episodes = sorted(set(have.episodes) | set(item.episodes))
    keys = sorted({key for key, _ in keyed})
    existing = {(key, user): (nid, episodes) for nid, user, key, episodes in
                _in('SELECT id, user_id, "key", episodes FROM notification WHERE "key"', keys)}
    merges, inserts = [], []
    for (key, user), item in keyed.items():
        if (key, user) in existing:
            nid, episodes = existing[(key, user)]
            merged = _episodes_text([int(e) for e in episodes.split(",") if e] + item.episodes)
            if merged != episodes:
                merges.append((merged, nid))
            continue
        inserts.append((user, item.kind, item.release_id, item.translation_id, item.season,
                        _episodes_text(item.episodes), json.dumps(item.data, ensure_ascii=False), key, False, now))
    cursor = database.cursor()
    if merges:
        cursor.executemany(portable_sql('UPDATE notification SET episodes = ?, "read" = FALSE WHERE id = ?'), merges)
    if not inserts:
        return []
    cursor.executemany(portable_sql(
        'INSERT INTO notification (user_id, kind, release_id, translation_id, season, episodes, data, "key", '
        '"read", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'), inserts)
    new_keys = sorted({row[7] for row in inserts})
    created = [(nid, user) for nid, user, key in
               _in('SELECT id, user_id, "key" FROM notification WHERE "key"', new_keys)
               if (key, user) not in existing]
    _queue(created, now)
    return [nid for nid, _ in created]


def _queue(created: list[tuple[int, int]], now: datetime) -> None:
    """One pending delivery per (new notification, enabled channel of an allowed kind)."""
    users = sorted({user for _, user in created})
    kinds = household.allowed_kinds()
    if not users or not kinds:
        return
    channels: dict[int, list[int]] = {}
    for cid, user, kind in _in('SELECT id, user_id, kind FROM channel WHERE enabled AND user_id', users):
        if kind in kinds:
            channels.setdefault(user, []).append(cid)
    rows = [(nid, cid, user, "pending", 0, now, f"{nid}-{cid}", "", now)
            for nid, user in created for cid in channels.get(user, ())]
    if rows:
        database.cursor().executemany(portable_sql(
            'INSERT INTO delivery (notification_id, channel_id, user_id, status, attempts, next_attempt_at, '
            'idempotency_key, last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'), rows)

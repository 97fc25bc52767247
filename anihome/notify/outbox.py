"""Write notifications inside the caller's transaction; mark the ones to push (the outbox).

One notification per (member, key): a key names the event ("ep:<sync>:<release>:<dub>" for a
sync's new episodes of one dub), so a second chunk of the same sync adds its episodes to the
notification already written instead of writing another. A notification of a member who has
a channel of an allowed kind is written with ``push_pending`` set: the sender job (see
``delivery``) turns it into one delivery per channel and renders the message when it sends,
so merged episodes reach the push too. The sync calls ``write`` once per chunk, so it is a
few set-based statements and no per-row ORM objects.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from ..clock import utcnow
from ..db import database, executemany, portable_sql
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


def episodes_text(numbers) -> str:
    return ",".join(str(n) for n in sorted(set(numbers)))


def members_with_channels(user_ids) -> set[int]:
    """Which of these members have an enabled channel of a kind the owner allows (one query)."""
    kinds = household.allowed_kinds()
    if not kinds:
        return set()
    rows = _in("SELECT DISTINCT user_id, kind FROM channel WHERE enabled AND user_id", sorted(set(user_ids)))
    return {user for user, kind in rows if kind in kinds}


def any_with_prefix(prefix: str) -> bool:
    """Whether a notification key starts with ``prefix`` (one probe of the key index)."""
    return database.execute_sql(portable_sql('SELECT 1 FROM notification WHERE "key" >= ? AND "key" < ? LIMIT 1'),
                                (prefix, prefix + "\uffff")).fetchone() is not None


def _existing(items: list[New], prefix: str | None) -> dict[tuple[str, int], tuple[int, str]]:
    """Notifications already written under these keys (a probe first when they share a prefix)."""
    if prefix is not None and not any_with_prefix(prefix):
        return {}
    keys = sorted({item.key for item in items})
    return {(key, user): (nid, episodes) for nid, user, key, episodes in
            _in('SELECT id, user_id, "key", episodes FROM notification WHERE "key"', keys)}


def write(items: list[New], now: datetime | None = None, prefix: str | None = None,
          want_ids: bool = True) -> list[int]:
    """Write (or merge into) notifications; returns the new ones' ids (unless ``want_ids`` is False).

    ``prefix``: every key starts with it (a sync's keys), which lets a first chunk skip the
    lookup of notifications to merge into. Call inside a write transaction."""
    if not items:
        return []
    now_text = str(now or utcnow())
    keyed: dict[tuple[str, int], New] = {}
    for item in items:
        have = keyed.get((item.key, item.user_id))
        if have is None:
            keyed[(item.key, item.user_id)] = item
        elif item.episodes:
            have.episodes = sorted(set(have.episodes) | set(item.episodes))
    existing = _existing(items, prefix)
    pushing = members_with_channels({user for _, user in keyed})
    merges, inserts, texts = [], [], {}
    for (key, user), item in keyed.items():
        if (key, user) in existing:
            nid, episodes = existing[(key, user)]
            merged = episodes_text([int(e) for e in episodes.split(",") if e] + item.episodes)
            if merged != episodes:
                merges.append((merged, nid))
            continue
        text = texts.get(key)
        if text is None:
            text = texts[key] = episodes_text(item.episodes)
        data = json.dumps(item.data, ensure_ascii=False) if item.data else "{}"
        inserts.append((user, item.kind, item.release_id, item.translation_id, item.season, text, data,
                        key, False, user in pushing, now_text))
    if merges:
        executemany('UPDATE notification SET episodes = ?, "read" = FALSE WHERE id = ?', merges)
    if not inserts:
        return []
    executemany(
        'INSERT INTO notification (user_id, kind, release_id, translation_id, season, episodes, data, "key", '
        '"read", push_pending, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', inserts)
    if not want_ids:
        return []
    new = {(row[7], row[0]) for row in inserts}
    return sorted(nid for nid, user, key in _in('SELECT id, user_id, "key" FROM notification WHERE "key"',
                                                 sorted({k for k, _ in new})) if (key, user) in new)

"""What a reader gets of a comment: the shield's decision already applied.

``CommentView`` is shared by the web pages and the API serializer, so both send exactly the
same text to the same reader.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from markupsafe import Markup

from .markup import render
from .spoilers import Reader

EDIT_WINDOW = timedelta(minutes=15)


@dataclass
class CommentView:
    id: int
    release_id: int
    parent_id: int | None
    season: int | None
    episode: int | None
    spoiler_episode: int | None
    gate: tuple[int, int] | None
    author_id: int
    author: str
    status: str  # visible | hidden | deleted
    body: str | None  # None: withheld (gated, deleted, or hidden from this reader)
    html: Markup | None
    gated: bool
    gated_for_others: bool
    created_at: datetime
    edited_at: datetime | None
    mine: bool
    can_edit: bool
    can_delete: bool
    replies_count: int = 0
    replies: list["CommentView"] = field(default_factory=list)


@dataclass
class ThreadPage:
    release_id: int
    season: int | None
    episode: int | None
    sort: str
    items: list[CommentView]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0


def comment_view(row, viewer, reader: Reader, reveal: bool, now: datetime) -> CommentView:
    """``row`` (a Comment joined with its author's name) as ``viewer`` may read it."""
    gate = (row.gate_season, row.gate_episode) if row.gate_episode is not None else None
    mine = viewer is not None and row.user_id == viewer.id
    decision = reader.decide(row.user_id, gate, reveal)
    readable = row.status == "visible" or (row.status == "hidden" and (mine or reader.staff))
    body = row.body if readable and decision.visible else None
    return CommentView(
        id=row.id, release_id=row.release_id, parent_id=row.parent_id, season=row.season,
        episode=row.episode, spoiler_episode=row.spoiler_episode, gate=gate,
        author_id=row.user_id, author=row.author.username, status=row.status,
        body=body, html=render(body) if body is not None else None,
        gated=readable and decision.gated, gated_for_others=readable and decision.gated_for_others,
        created_at=row.created_at, edited_at=row.edited_at, mine=mine,
        can_edit=mine and row.status == "visible" and now - row.created_at <= EDIT_WINDOW,
        can_delete=mine and row.status != "deleted",
        replies_count=row.live_replies)

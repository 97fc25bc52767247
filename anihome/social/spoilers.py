"""The spoiler shield: which episode a text is gated behind, and whether a reader has reached it.

A comment about episode N of season S is gated behind (S, N); "spoilers up to episode M"
moves the gate to (S, M) (season 1 for release-level text). A reader has reached a gate when
they have watched that episode or a later one (the watched flag or the 90 % rule, read through
``library.progress.watched_episodes``). The decision is made here, on the server: gated text
never leaves it. Authors always read their own text; moderators read everything, told that it
is gated for others.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..library.progress import watched_episodes
from .rules import is_staff

Gate = tuple[int, int]


def gate_for(season: int | None, episode: int | None, spoiler_episode: int | None) -> Gate | None:
    """The (season, episode) a reader must have watched, or None (never gated)."""
    if episode is not None:
        base = (season if season is not None else 1, episode)
        if spoiler_episode is not None and spoiler_episode > episode:
            return (base[0], spoiler_episode)
        return base
    if spoiler_episode is not None:
        return (season if season is not None else 1, spoiler_episode)
    return None


@dataclass(frozen=True)
class Decision:
    visible: bool  # the text may be sent to this reader
    gated: bool  # the text is withheld (the reader has not reached the gate)
    gated_for_others: bool  # sent, but gated for readers who have not reached the gate


@dataclass
class Reader:
    """One reader of one release: who they are and how far they have watched (one query)."""
    user_id: int | None
    staff: bool
    frontier: Gate | None

    @classmethod
    def of(cls, viewer, release_id: int) -> "Reader":
        if viewer is None:
            return cls(None, False, None)
        watched = watched_episodes(viewer.id, release_id)
        return cls(viewer.id, is_staff(viewer), max(watched) if watched else None)

    def reached(self, gate: Gate | None) -> bool:
        return gate is None or (self.frontier is not None and self.frontier >= gate)

    def decide(self, author_id: int, gate: Gate | None, reveal: bool = False) -> Decision:
        """``reveal``: the reader clicked "show anyway" for this one text."""
        if gate is None:
            return Decision(True, False, False)
        if self.reached(gate) or author_id == self.user_id or self.staff or reveal:
            return Decision(True, False, True)
        return Decision(False, True, False)

"""A member's relation to one release, for the "act where you look" controls on the release
page and the player: list entry, favorite flag, own collections and which of them already
hold the release, where the member goes on, and how far each episode was watched.

Also the member's marks on many releases at once (favorites and list statuses), for the
quick actions on release cards."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Collection, Favorite, ListEntry, ReleaseChoice, Translation, WatchProgress
from . import collections, continue_watching, favorites, lists


@dataclass
class ReleaseState:
    release_id: int
    entry: ListEntry | None
    favorite: bool
    collections: list[Collection]
    in_collections: set[int]
    marks: dict[tuple[int, int], int] = field(default_factory=dict)
    next_up: continue_watching.ContinueItem | None = None

    @property
    def watched_count(self) -> int:
        return sum(1 for percent in self.marks.values() if percent >= 100)


def state(user_id: int, release_id: int, with_progress: bool = False) -> ReleaseState:
    """A few small queries; the member's own data only. ``with_progress`` adds the episode
    marks and where the member goes on (the release page's grid and "Continue" button)."""
    own = list(Collection.select(Collection.id, Collection.name)
               .where(Collection.user == user_id).order_by(Collection.position, Collection.id))
    found = ReleaseState(release_id, lists.get_entry(user_id, release_id),
                         favorites.is_favorite(user_id, release_id), own,
                         collections.containing(user_id, release_id) if own else set())
    if with_progress:
        found.marks = episode_marks(user_id, release_id)
        if found.marks:
            found.next_up = continue_watching.next_up(user_id, release_id)
    return found


def episode_marks(user_id: int, release_id: int) -> dict[tuple[int, int], int]:
    """(season, episode) -> percent watched (100 once watched) for episodes the member started."""
    rows = (WatchProgress.select(WatchProgress.season, WatchProgress.number, WatchProgress.position,
                                 WatchProgress.duration, WatchProgress.watched)
            .where((WatchProgress.user == user_id) & (WatchProgress.release == release_id)).tuples())
    marks = {}
    for season, number, position, duration, watched in rows:
        percent = 100 if watched else (max(0, min(99, int(position * 100 / duration))) if duration else 0)
        if percent:
            marks[(season, number)] = percent
    return marks


def card_marks(user_id: int) -> dict:
    """The member's favorites and list statuses by release id (two indexed queries), for the
    quick favorite / plan buttons on cards of cached pages."""
    favs = [rid for (rid,) in Favorite.select(Favorite.release).where(Favorite.user == user_id).tuples()]
    statuses = dict(ListEntry.select(ListEntry.release, ListEntry.status)
                    .where(ListEntry.user == user_id).tuples())
    return {"favorites": favs, "lists": {str(rid): status for rid, status in statuses.items()}}


def chosen_dub(user_id: int, release_id: int) -> int | None:
    """The translation the member last picked for this release, while it is still available."""
    row = (ReleaseChoice.select(ReleaseChoice.translation).join(
        Translation, on=(ReleaseChoice.translation == Translation.id))
        .where((ReleaseChoice.user == user_id) & (ReleaseChoice.release == release_id)
               & (Translation.release == release_id) & (Translation.available == True))  # noqa: E712
        .first())
    return row.translation_id if row else None

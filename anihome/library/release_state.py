"""A member's relation to one release, for the "add to list / favorite / collection"
controls on the release page and the player: list entry, favorite flag, own collections
and which of them already hold the release."""
from __future__ import annotations

from dataclasses import dataclass

from ..models import Collection, ListEntry
from . import collections, favorites, lists


@dataclass
class ReleaseState:
    release_id: int
    entry: ListEntry | None
    favorite: bool
    collections: list[Collection]
    in_collections: set[int]


def state(user_id: int, release_id: int) -> ReleaseState:
    """Three small queries; the member's own data only."""
    own = list(Collection.select(Collection.id, Collection.name)
               .where(Collection.user == user_id).order_by(Collection.position, Collection.id))
    return ReleaseState(release_id, lists.get_entry(user_id, release_id),
                        favorites.is_favorite(user_id, release_id), own,
                        collections.containing(user_id, release_id) if own else set())

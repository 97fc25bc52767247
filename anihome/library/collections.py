"""Collections: a member's named, ordered sets of releases, private or visible to the
household. Only the owner changes a collection; household members may read shared ones.

What a member reads is cut to their own age cap, whoever owns the collection: items above
it are neither listed nor counted, cannot be added, and keep their place at the end when
the visible ones are reordered."""
from __future__ import annotations

import logging
from datetime import datetime

from peewee import fn

from .. import events
from ..clock import utcnow
from ..db import write_transaction
from ..catalog.agecap import apply_age_cap, member_cap
from ..errors import AppError, NotFound
from ..models import Collection, CollectionItem, Release, User
from ..models.library import VISIBILITIES
from .lists import release_for
from .validate import row_id

log = logging.getLogger(__name__)

NAME_MAX = 100
DESCRIPTION_MAX = 2000
MAX_ITEMS = 2000


def _name(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AppError("Give the collection a name.", "name")
    value = " ".join(value.split())
    if len(value) > NAME_MAX:
        raise AppError(f"The name can be at most {NAME_MAX} characters.", "name")
    return value


def _description(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > DESCRIPTION_MAX:
        raise AppError(f"The description must be text of at most {DESCRIPTION_MAX} characters.",
                       "description")
    return value.strip()


def _visibility(value) -> str:
    if value not in VISIBILITIES:
        raise AppError(f"visibility must be one of: {', '.join(VISIBILITIES)}.", "visibility")
    return value


def _changed(user_id: int) -> None:
    events.member_data_changed.send(None, user_id=user_id, kind="collections")


def create(user_id: int, name, description=None, visibility="private",
           now: datetime | None = None) -> Collection:
    """A new collection at the end of the member's list of collections."""
    name, description, visibility = _name(name), _description(description), _visibility(visibility)
    now = now or utcnow()
    with write_transaction():
        last = (Collection.select(fn.MAX(Collection.position))
                .where(Collection.user == user_id).scalar())
        row = Collection.create(user=user_id, name=name, description=description,
                                visibility=visibility, position=(last or 0) + 1,
                                created_at=now, updated_at=now)
    _changed(user_id)
    return row


def readable(user_id: int, collection_id, field: str = "collection_id") -> Collection:
    """A collection the member may see: their own or one shared with the household."""
    cid = row_id(collection_id, field)
    row = Collection.get_or_none(Collection.id == cid)
    if row is None or (row.user_id != user_id and row.visibility != "household"):
        raise NotFound("No such collection.", field)
    return row


def own(user_id: int, collection_id, field: str = "collection_id") -> Collection:
    """One of the member's own collections; anyone else's is NotFound (never revealed)."""
    cid = row_id(collection_id, field)
    row = Collection.get_or_none((Collection.id == cid) & (Collection.user == user_id))
    if row is None:
        raise NotFound("No such collection.", field)
    return row


def update(user_id: int, collection_id, changes: dict, now: datetime | None = None) -> Collection:
    """Rename, describe or share/unshare one of the member's collections."""
    row = own(user_id, collection_id)
    clean = {}
    for key, value in changes.items():
        if key == "name":
            clean["name"] = _name(value)
        elif key == "description":
            clean["description"] = _description(value)
        elif key == "visibility":
            clean["visibility"] = _visibility(value)
        else:
            raise AppError(f"Unknown field {key}.", key)
    with write_transaction():
        for key, value in clean.items():
            setattr(row, key, value)
        row.updated_at = now or utcnow()
        row.save()
    _changed(user_id)
    return row


def delete(user_id: int, collection_id) -> None:
    row = own(user_id, collection_id)
    with write_transaction():
        row.delete_instance(recursive=True)
    log.info("collection deleted user_id=%s collection_id=%s", user_id, row.id)
    _changed(user_id)


def _ids(values, field: str) -> list[int]:
    if not isinstance(values, list) or len(values) > MAX_ITEMS:
        raise AppError(f"{field} must be a list of ids.", field)
    ids = [row_id(v, field) for v in values]
    if len(set(ids)) != len(ids):
        raise AppError(f"{field} lists an id twice.", field)
    return ids


def reorder(user_id: int, collection_ids) -> None:
    """Put the member's collections in this order (every one of them, each once)."""
    ids = _ids(collection_ids, "order")
    with write_transaction():
        mine = {c for (c,) in Collection.select(Collection.id)
                .where(Collection.user == user_id).tuples()}
        if set(ids) != mine:
            raise AppError("order must list each of your collections exactly once.", "order")
        for position, cid in enumerate(ids, 1):
            Collection.update(position=position).where(Collection.id == cid).execute()
    _changed(user_id)


def _item_count(cap: int | None):
    """A correlated subquery: how many items of each collection are allowed under ``cap``."""
    item = CollectionItem.alias("ci")
    release = Release.alias("cr")
    query = (item.select(fn.COUNT(item.id)).join(release, on=(item.release == release.id))
             .where(item.collection == Collection.id))
    return apply_age_cap(query, cap, model=release).alias("item_count")


def for_user(user_id: int) -> list[Collection]:
    """The member's own collections in their order, each with ``item_count`` (within the cap)."""
    return list(Collection.select(Collection, User.username, _item_count(member_cap(user_id)))
                .join(User, on=(Collection.user == User.id))
                .where(Collection.user == user_id)
                .order_by(Collection.position, Collection.id))


def shared_with(user_id: int) -> list[Collection]:
    """Other members' collections shared with the household, with ``item_count`` (within the
    reader's cap) and owner."""
    return list(Collection.select(Collection, User.username, _item_count(member_cap(user_id)))
                .join(User, on=(Collection.user == User.id))
                .where((Collection.user != user_id) & (Collection.visibility == "household"))
                .order_by(User.username, Collection.position))


def items(collection: Collection, user_id: int) -> list[CollectionItem]:
    """The collection's items with their releases, in order, as member ``user_id`` may see
    them (the reader's age cap, not the owner's)."""
    query = (CollectionItem.select(CollectionItem, Release).join(Release)
             .where(CollectionItem.collection == collection)
             .order_by(CollectionItem.position, CollectionItem.id))
    return list(apply_age_cap(query, member_cap(user_id)))


def view(user_id: int, collection_id, field: str = "collection_id") -> tuple[Collection, list[CollectionItem]]:
    """A collection the member may read and its items within the member's cap."""
    row = readable(user_id, collection_id, field)
    return row, items(row, user_id)


def add_item(user_id: int, collection_id, release_id, now: datetime | None = None) -> CollectionItem:
    """Add a release at the end of one of the member's collections (twice is harmless);
    NotFound for a release above the member's cap."""
    row = own(user_id, collection_id)
    release = release_for(user_id, release_id)
    now = now or utcnow()
    with write_transaction():
        item = CollectionItem.get_or_none((CollectionItem.collection == row)
                                          & (CollectionItem.release == release))
        if item is None:
            if CollectionItem.select().where(CollectionItem.collection == row).count() >= MAX_ITEMS:
                raise AppError(f"A collection holds at most {MAX_ITEMS} releases.", "release_id")
            last = (CollectionItem.select(fn.MAX(CollectionItem.position))
                    .where(CollectionItem.collection == row).scalar())
            item = CollectionItem.create(collection=row, release=release,
                                         position=(last or 0) + 1, added_at=now)
            Collection.update(updated_at=now).where(Collection.id == row.id).execute()
    _changed(user_id)
    return item


def remove_item(user_id: int, collection_id, release_id) -> None:
    row = own(user_id, collection_id)
    release = release_for(user_id, release_id)
    with write_transaction():
        deleted = CollectionItem.delete().where((CollectionItem.collection == row)
                                                & (CollectionItem.release == release)).execute()
    if not deleted:
        raise NotFound("This release is not in the collection.", "release_id")
    _changed(user_id)


def reorder_items(user_id: int, collection_id, release_ids) -> None:
    """Put the collection's releases in this order (every one the member can see, each
    once); releases above the member's cap keep their order after them."""
    row = own(user_id, collection_id)
    ids = _ids(release_ids, "order")
    with write_transaction():
        have = {item.release_id for item in items(row, user_id)}
        if set(ids) != have:
            raise AppError("order must list each release of the collection exactly once.", "order")
        hidden = [r for (r,) in CollectionItem.select(CollectionItem.release)
                  .where((CollectionItem.collection == row) & CollectionItem.release.not_in(ids))
                  .order_by(CollectionItem.position, CollectionItem.id).tuples()]
        for position, rid in enumerate(ids + hidden, 1):
            (CollectionItem.update(position=position)
             .where((CollectionItem.collection == row) & (CollectionItem.release == rid)).execute())
    _changed(user_id)


def move_item(user_id: int, collection_id, release_id, step: int) -> None:
    """Move one release up (step -1) or down (+1): the HTML page's reorder buttons."""
    row = own(user_id, collection_id)
    order = [i.release_id for i in items(row, user_id)]
    rid = release_for(user_id, release_id).id
    if rid not in order:
        raise NotFound("This release is not in the collection.", "release_id")
    i = order.index(rid)
    j = max(0, min(len(order) - 1, i + (1 if step > 0 else -1)))
    order[i], order[j] = order[j], order[i]
    reorder_items(user_id, row.id, order)


def move(user_id: int, collection_id, step: int) -> None:
    """Move one of the member's collections up or down in their list."""
    row = own(user_id, collection_id)
    order = [c.id for c in for_user(user_id)]
    i = order.index(row.id)
    j = max(0, min(len(order) - 1, i + (1 if step > 0 else -1)))
    order[i], order[j] = order[j], order[i]
    reorder(user_id, order)


def containing(user_id: int, release_id: int) -> set[int]:
    """Ids of the member's collections that hold a release (for "add to collection" menus)."""
    return {c for (c,) in CollectionItem.select(CollectionItem.collection)
            .join(Collection).where((Collection.user == user_id)
                                    & (CollectionItem.release == release_id)).tuples()}

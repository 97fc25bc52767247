"""The JSON shapes of a member's library resources, one function per resource.

The API answers, the JSON export and any later payload (notifications, ...) build a list
entry, a favorite, a history event, progress, a continue-watching item or a collection
here, so the shapes agree everywhere. Rows come from the library services, already cut to
the member's age cap; these functions only shape them.
"""
from __future__ import annotations

from ..clock import iso
from ..models import Collection, CollectionItem, Favorite, ListEntry, Release, WatchEvent, WatchProgress


def release_ref(release: Release) -> dict:
    """A release as a member's data points at it (enough to show a card and link to it)."""
    return {"id": release.id, "title": release.title, "title_orig": release.title_orig,
            "title_en": release.title_en, "kind": release.kind, "year": release.year,
            "poster_url": release.poster_url, "shikimori_id": release.shikimori_id,
            "episodes_total": release.episodes_total}


def list_entry(entry: ListEntry) -> dict:
    return {"release": release_ref(entry.release), "status": entry.status, "score": entry.score,
            "rewatch_count": entry.rewatch_count, "episodes_watched": entry.episodes_watched,
            "manual": entry.manual, "started_on": iso(entry.started_on),
            "finished_on": iso(entry.finished_on), "notes": entry.notes,
            "created_at": iso(entry.created_at), "updated_at": iso(entry.updated_at)}


def favorite(row: Favorite) -> dict:
    return {"release": release_ref(row.release), "created_at": iso(row.created_at)}


def history_event(event: WatchEvent) -> dict:
    return {"id": event.id, "release": release_ref(event.release),
            "translation_id": event.translation_id, "season": event.season,
            "episode": event.number, "started_at": iso(event.started_at),
            "ended_at": iso(event.ended_at), "position": event.position,
            "duration": event.duration, "completed": event.completed}


def progress(row: WatchProgress) -> dict:
    return {"release_id": row.release_id, "translation_id": row.translation_id,
            "season": row.season, "episode": row.number, "position": row.position,
            "duration": row.duration, "watched": row.watched, "watched_at": iso(row.watched_at),
            "updated_at": iso(row.updated_at)}


def continue_item(item) -> dict:
    """A ``continue_watching.ContinueItem``."""
    return {"release_id": item.release.id, "title": item.release.title,
            "title_orig": item.release.title_orig, "title_en": item.release.title_en,
            "poster_url": item.release.poster_url, "translation_id": item.translation_id,
            "season": item.season, "episode": item.episode, "kind": item.kind,
            "position": item.position, "duration": item.duration, "percent": item.percent,
            "updated_at": iso(item.updated_at), "url": item.url}


def collection(row: Collection, viewer_id: int, item_count: int | None = None) -> dict:
    """A collection as ``viewer_id`` sees it (``mine``; ``item_count`` within their cap)."""
    return {"id": row.id, "name": row.name, "description": row.description,
            "visibility": row.visibility, "position": row.position, "owner": row.user.username,
            "mine": row.user_id == viewer_id,
            "item_count": getattr(row, "item_count", item_count) or 0,
            "created_at": iso(row.created_at), "updated_at": iso(row.updated_at)}


def collection_item(item: CollectionItem) -> dict:
    return {"release": release_ref(item.release), "position": item.position,
            "added_at": iso(item.added_at)}


def collection_detail(row: Collection, items: list[CollectionItem], viewer_id: int) -> dict:
    return {"collection": collection(row, viewer_id, len(items)),
            "items": [collection_item(i) for i in items]}

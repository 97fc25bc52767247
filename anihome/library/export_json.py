"""A full JSON export of one member's own data: lists, favorites, collections, progress,
history, chosen dubs and hidden continue-watching entries. Never another member's data,
and nothing about a release above the member's age cap (``catalog.agecap``)."""
from __future__ import annotations


from ..catalog.agecap import apply_age_cap, member_cap
from ..dates import iso_utc
from ..clock import utcnow
from ..models import (Collection, CollectionItem, ContinueHidden, Favorite, ListEntry, Release,
                      ReleaseChoice, User, WatchEvent, WatchProgress)
from ..version import __version__

FORMAT = "anihome-member-export"
FORMAT_VERSION = 1


_when = iso_utc


def _release(release: Release) -> dict:
    return {"id": release.id, "key": release.key, "shikimori_id": release.shikimori_id,
            "title": release.title}


def build(user_id: int) -> dict:
    """Everything the member owns, as plain JSON-ready data."""
    user = User.get_by_id(user_id)
    cap = member_cap(user_id)

    def rows(model, *order):
        return apply_age_cap(model.select(model, Release).join(Release)
                             .where(model.user == user_id).order_by(*order), cap)

    lists = [{"release": _release(e.release), "status": e.status, "score": e.score,
              "rewatch_count": e.rewatch_count, "episodes_watched": e.episodes_watched,
              "manual": e.manual, "started_on": _when(e.started_on),
              "finished_on": _when(e.finished_on), "notes": e.notes,
              "created_at": _when(e.created_at), "updated_at": _when(e.updated_at)}
             for e in rows(ListEntry, ListEntry.id)]
    favorites = [{"release": _release(f.release), "created_at": _when(f.created_at)}
                 for f in rows(Favorite, Favorite.id)]
    progress = [{"release": _release(p.release), "translation_id": p.translation_id,
                 "season": p.season, "episode": p.number, "position": p.position,
                 "duration": p.duration, "watched": p.watched, "watched_at": _when(p.watched_at),
                 "updated_at": _when(p.updated_at)}
                for p in rows(WatchProgress, WatchProgress.release, WatchProgress.season,
                              WatchProgress.number)]
    history = [{"id": h.id, "release": _release(h.release), "translation_id": h.translation_id,
                "season": h.season, "episode": h.number, "started_at": _when(h.started_at),
                "ended_at": _when(h.ended_at), "position": h.position, "duration": h.duration,
                "completed": h.completed}
               for h in rows(WatchEvent, WatchEvent.ended_at, WatchEvent.id)]
    choices = [{"release": _release(c.release), "translation_id": c.translation_id,
                "updated_at": _when(c.updated_at)} for c in rows(ReleaseChoice, ReleaseChoice.id)]
    hidden = [{"release": _release(h.release), "hidden_until": _when(h.hidden_until),
               "created_at": _when(h.created_at)} for h in rows(ContinueHidden, ContinueHidden.id)]
    collections = []
    for c in Collection.select().where(Collection.user == user_id).order_by(Collection.position):
        items = apply_age_cap(CollectionItem.select(CollectionItem, Release).join(Release)
                              .where(CollectionItem.collection == c)
                              .order_by(CollectionItem.position), cap)
        collections.append({"id": c.id, "name": c.name, "description": c.description,
                            "visibility": c.visibility, "position": c.position,
                            "created_at": _when(c.created_at), "updated_at": _when(c.updated_at),
                            "items": [{"release": _release(i.release), "position": i.position,
                                       "added_at": _when(i.added_at)} for i in items]})
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "app_version": __version__,
            "exported_at": _when(utcnow()),
            "member": {"id": user.id, "username": user.username},
            "lists": lists, "favorites": favorites, "collections": collections,
            "progress": progress, "history": history, "chosen_translations": choices,
            "continue_watching_hidden": hidden}

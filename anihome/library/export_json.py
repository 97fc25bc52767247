"""A full JSON export of one member's own data: lists, favorites, collections, progress,
history, chosen dubs and hidden continue-watching entries. Never another member's data,
and nothing about a release above the member's age cap (``catalog.agecap``).

``write(user_id, out)`` streams the document into a text file row by row (plain tuples, only
the four release columns the export names), so a member with a long history costs the
process a few rows at a time instead of every row as an ORM object at once;
``spool(user_id)`` gives it back as a rewound binary file for a download. ``build`` returns
the same document as one dict (small exports, tests).
"""
from __future__ import annotations

import json
import tempfile
from typing import IO, Callable, Iterable, Iterator

from ..catalog.agecap import apply_age_cap, member_cap
from ..clock import utcnow
from ..dates import iso_utc
from ..models import (Collection, CollectionItem, ContinueHidden, Favorite, ListEntry, Release,
                      ReleaseChoice, User, WatchEvent, WatchProgress)
from ..version import __version__

FORMAT = "anihome-member-export"
FORMAT_VERSION = 1
#: a download is kept in memory up to this size, then in a temporary file
SPOOL_BYTES = 1 << 20

_when = iso_utc
RELEASE_FIELDS = (Release.id, Release.key, Release.shikimori_id, Release.title)


def _release(rid, key, shikimori_id, title) -> dict:
    return {"id": rid, "key": key, "shikimori_id": shikimori_id, "title": title}


def _rows(model, user_id: int, cap, fields, order, make: Callable[..., dict]) -> Iterator[dict]:
    """The member's rows of ``model`` (with their release) as export dicts, one at a time."""
    query = apply_age_cap(model.select(*fields, *RELEASE_FIELDS).join(Release)
                          .where(model.user == user_id).order_by(*order), cap)
    width = len(fields)
    for row in query.tuples().iterator():
        yield make(_release(*row[width:]), *row[:width])


def _collections(user_id: int, cap) -> Iterator[dict]:
    for c in Collection.select().where(Collection.user == user_id).order_by(Collection.position):
        items = apply_age_cap(CollectionItem.select(CollectionItem.position, CollectionItem.added_at, *RELEASE_FIELDS)
                              .join(Release).where(CollectionItem.collection == c)
                              .order_by(CollectionItem.position), cap)
        yield {"id": c.id, "name": c.name, "description": c.description,
               "visibility": c.visibility, "position": c.position,
               "created_at": _when(c.created_at), "updated_at": _when(c.updated_at),
               "items": [{"release": _release(*row[2:]), "position": row[0], "added_at": _when(row[1])}
                         for row in items.tuples()]}


def _header(user_id: int) -> dict:
    user = User.get_by_id(user_id)
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "app_version": __version__,
            "exported_at": _when(utcnow()), "member": {"id": user.id, "username": user.username}}


def sections(user_id: int) -> Iterator[tuple[str, Iterable[dict]]]:
    """(name, rows) of every list in the export, in document order; rows are read lazily."""
    cap = member_cap(user_id)
    e, f, p, h, c, x = ListEntry, Favorite, WatchProgress, WatchEvent, ReleaseChoice, ContinueHidden
    yield "lists", _rows(e, user_id, cap, (e.status, e.score, e.rewatch_count, e.episodes_watched, e.manual,
                                           e.started_on, e.finished_on, e.notes, e.created_at, e.updated_at),
                         (e.id,), lambda release, status, score, rewatch, watched, manual, started, finished, notes,
                         created, updated: {
                             "release": release, "status": status, "score": score, "rewatch_count": rewatch,
                             "episodes_watched": watched, "manual": manual, "started_on": _when(started),
                             "finished_on": _when(finished), "notes": notes, "created_at": _when(created),
                             "updated_at": _when(updated)})
    yield "favorites", _rows(f, user_id, cap, (f.created_at,), (f.id,),
                             lambda release, created: {"release": release, "created_at": _when(created)})
    yield "collections", _collections(user_id, cap)
    yield "progress", _rows(p, user_id, cap, (p.translation, p.season, p.number, p.position, p.duration, p.watched,
                                              p.watched_at, p.updated_at), (p.release, p.season, p.number),
                            lambda release, translation, season, number, position, duration, watched, watched_at,
                            updated: {
                                "release": release, "translation_id": translation, "season": season,
                                "episode": number, "position": position, "duration": duration, "watched": watched,
                                "watched_at": _when(watched_at), "updated_at": _when(updated)})
    yield "history", _rows(h, user_id, cap, (h.id, h.translation, h.season, h.number, h.started_at, h.ended_at,
                                             h.position, h.duration, h.completed), (h.ended_at, h.id),
                           lambda release, hid, translation, season, number, started, ended, position, duration,
                           completed: {
                               "id": hid, "release": release, "translation_id": translation, "season": season,
                               "episode": number, "started_at": _when(started), "ended_at": _when(ended),
                               "position": position, "duration": duration, "completed": completed})
    yield "chosen_translations", _rows(c, user_id, cap, (c.translation, c.updated_at), (c.id,),
                                       lambda release, translation, updated: {
                                           "release": release, "translation_id": translation,
                                           "updated_at": _when(updated)})
    yield "continue_watching_hidden", _rows(x, user_id, cap, (x.hidden_until, x.created_at), (x.id,),
                                            lambda release, until, created: {
                                                "release": release, "hidden_until": _when(until),
                                                "created_at": _when(created)})


def build(user_id: int) -> dict:
    """Everything the member owns, as plain JSON-ready data (one dict: for small exports)."""
    document = _header(user_id)
    for name, rows in sections(user_id):
        document[name] = list(rows)
    return document


def write(user_id: int, out: IO[str]) -> None:
    """Write the export's JSON text to ``out``, one row per line."""
    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    header = dump(_header(user_id))
    out.write(header[:-1])
    for name, rows in sections(user_id):
        out.write(f",\n{dump(name)}: [")
        first = True
        for row in rows:
            out.write("\n" if first else ",\n")
            out.write(dump(row))
            first = False
        out.write("]")
    out.write("\n}\n")


def spool(user_id: int) -> IO[bytes]:
    """The export as a rewound binary file (in memory up to ``SPOOL_BYTES``, then on disk)."""
    import io

    target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    text = io.TextIOWrapper(target, encoding="utf-8", newline="\n", write_through=True)
    write(user_id, text)
    text.flush()
    text.detach()
    target.seek(0)
    return target

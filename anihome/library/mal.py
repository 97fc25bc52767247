"""MyAnimeList XML: export a member's lists, and import a MAL export (preview, then apply).

The shikimori id of a release is its MyAnimeList id, so ``series_animedb_id`` matches
``Release.shikimori_id``. Parsing is safe and bounded (``mal_parse``): the file is streamed,
the document may not declare a DOCTYPE or any entity (no entity expansion, no external
fetch), and gzip input, entries, tag names, nesting and markup are all capped. The export
writes only characters XML 1.0 allows, so AniHome's own import always reads it back.
MAL has no "rewatching" status: it is exported as Completed with ``my_rewatching`` 1, and
read back the same way. The member's age cap applies both ways: the export leaves out
releases above it, and the import refuses them (action ``refused``, counted and listed).
"""
from __future__ import annotations

import io
import logging
import re
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from .. import events
from ..catalog.agecap import allowed, apply_age_cap, member_cap
from ..clock import utcnow
from ..db import write_transaction
from ..models import ListEntry, Release, User
from .mal_parse import MAX_ENTRIES, MAX_INFLATED, TooLarge, read_entries  # noqa: F401  (limits for docs/tests)

log = logging.getLogger(__name__)

NOTES_MAX = 2000   # as lists.set_entry
TITLE_MAX = 120    # titles from the file are only shown in the preview
TEXT_MAX = 2_000_000  # characters of titles and notes kept from one file, in all
# Characters XML 1.0 does not allow (C0 controls but tab/newline/CR, lone surrogates,
# U+FFFE/U+FFFF): written as nothing, so the file stays readable by any XML parser.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

STATUS_TO_MAL = {"watching": "Watching", "completed": "Completed", "on_hold": "On-Hold",
                 "dropped": "Dropped", "planned": "Plan to Watch", "rewatching": "Completed"}
MAL_TO_STATUS = {"watching": "watching", "completed": "completed", "on-hold": "on_hold",
                 "onhold": "on_hold", "on hold": "on_hold", "dropped": "dropped",
                 "plan to watch": "planned", "plantowatch": "planned",
                 "1": "watching", "2": "completed", "3": "on_hold", "4": "dropped",
                 "6": "planned"}
KIND_TO_MAL = {"tv": "TV", "tv_13": "TV", "tv_24": "TV", "tv_48": "TV", "movie": "Movie",
               "ova": "OVA", "ona": "ONA", "special": "Special", "music": "Music"}
NO_DATE = "0000-00-00"


# ---------------------------------------------------------------- export

def export_xml(user_id: int) -> tuple[bytes, int]:
    """The member's list entries as a MAL export; returns (xml bytes, entries left out
    because their release has no MyAnimeList/shikimori id)."""
    from xml.etree import ElementTree as ET  # only here: the serving process need not hold it

    user = User.get_by_id(user_id)
    rows = list(apply_age_cap(ListEntry.select(ListEntry, Release).join(Release)
                              .where(ListEntry.user == user_id)
                              .order_by(Release.sort_title, ListEntry.id), member_cap(user_id)))
    exported = [r for r in rows if _mal_id(r.release.shikimori_id)]
    root = ET.Element("myanimelist")
    info = ET.SubElement(root, "myinfo")
    totals = {s: sum(1 for r in exported if STATUS_TO_MAL[r.status] == STATUS_TO_MAL[s])
              for s in ("watching", "completed", "on_hold", "dropped", "planned")}
    for tag, value in (("user_id", user.id), ("user_name", xml_text(user.username)), ("user_export_type", 1),
                       ("user_total_anime", len(exported)),
                       ("user_total_watching", totals["watching"]),
                       ("user_total_completed", totals["completed"]),
                       ("user_total_onhold", totals["on_hold"]),
                       ("user_total_dropped", totals["dropped"]),
                       ("user_total_plantowatch", totals["planned"])):
        ET.SubElement(info, tag).text = str(value)
    for entry in exported:
        release = entry.release
        anime = ET.SubElement(root, "anime")
        total = release.episodes_total or (1 if release.kind == "movie" else 0)
        for tag, value in (
                ("series_animedb_id", _mal_id(release.shikimori_id)),
                ("series_title", xml_text(release.title_orig or release.title)),
                ("series_type", KIND_TO_MAL.get(release.kind, "Unknown")),
                ("series_episodes", total),
                ("my_id", 0),
                ("my_watched_episodes", entry.episodes_watched or 0),
                ("my_start_date", entry.started_on.isoformat() if entry.started_on else NO_DATE),
                ("my_finish_date", entry.finished_on.isoformat() if entry.finished_on else NO_DATE),
                ("my_rated", ""), ("my_score", entry.score or 0),
                ("my_storage", ""), ("my_storage_value", "0.00"),
                ("my_status", STATUS_TO_MAL[entry.status]),
                ("my_comments", xml_text(entry.notes)),
                ("my_times_watched", entry.rewatch_count or 0),
                ("my_rewatch_value", ""), ("my_priority", "LOW"), ("my_tags", ""),
                ("my_rewatching", 1 if entry.status == "rewatching" else 0),
                ("my_rewatching_ep", 0), ("my_discuss", 1), ("my_sns", "default"),
                ("update_on_import", 1)):
            ET.SubElement(anime, tag).text = str(value)
    ET.indent(root, "  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" ?>\n' + body + "\n").encode("utf-8"), \
        len(rows) - len(exported)


def xml_text(value) -> str:
    """``value`` as text XML 1.0 can carry (characters it forbids are dropped)."""
    return _NOT_XML.sub("", str(value or ""))


def _mal_id(value) -> str | None:
    text = str(value or "").strip()
    return text if text.isdigit() and int(text) > 0 else None


# ---------------------------------------------------------------- parse

@dataclass(slots=True)
class MalEntry:
    animedb_id: str
    title: str
    status: str
    score: int | None
    watched_episodes: int
    times_watched: int
    started_on: date | None
    finished_on: date | None
    notes: str = ""


def _source(data: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data


def _number(raw: str | None, low: int, high: int) -> int:
    try:
        value = int(float(raw or 0))
    except ValueError:
        return 0
    return value if low <= value <= high else 0


def _day(raw: str | None) -> date | None:
    if not raw or raw.startswith("0000"):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


MAX_PROBLEMS = 100


class Problems(list):
    """Problems found in single entries: the first ``MAX_PROBLEMS`` kept, all counted."""

    total = 0

    def note(self, text: str) -> None:
        self.total += 1
        if len(self) < MAX_PROBLEMS:
            self.append(text)


def parse(data: bytes | BinaryIO) -> tuple[list[MalEntry], list[str]]:
    """A MAL export (bytes or a binary stream; XML or gzipped XML) -> (entries, problems
    found in single entries). AppError naming ``file`` when the file is refused."""
    entries, problems, kept = [], Problems(), 0
    for index, raw in enumerate(read_entries(_source(data)), 1):
        mal_id = _mal_id(raw.get("series_animedb_id"))
        title = raw.get("series_title", "")[:TITLE_MAX]
        notes = xml_text(raw.get("my_comments", ""))[:NOTES_MAX]
        kept += len(title) + len(notes)
        if kept > TEXT_MAX:
            raise TooLarge(f"The file's titles and notes are longer than {TEXT_MAX:,} characters in all.",
                           "file")
        status_raw = raw.get("my_status", "").strip()
        status = MAL_TO_STATUS.get(status_raw.lower())
        if mal_id is None or status is None:
            problems.note(f"entry {index} ({title or 'untitled'}): "
                          + ("no series_animedb_id" if mal_id is None else f"unknown my_status {status_raw[:40]!r}"))
            continue
        if status == "completed" and _number(raw.get("my_rewatching"), 0, 1) == 1:
            status = "rewatching"
        score = _number(raw.get("my_score"), 0, 10) or None
        entries.append(MalEntry(mal_id, title, status, score,
                                _number(raw.get("my_watched_episodes"), 0, 100_000),
                                _number(raw.get("my_times_watched"), 0, 100_000),
                                _day(raw.get("my_start_date")), _day(raw.get("my_finish_date")),
                                notes))
    return entries, problems


# ---------------------------------------------------------------- preview and apply

MatchedRelease = namedtuple("MatchedRelease", "id title shikimori_id age_limit")


@dataclass(slots=True)
class PlanRow:
    entry: MalEntry
    release: MatchedRelease | None
    action: str  # create | update | unchanged | unmatched | refused (above the age cap)
    changes: dict = field(default_factory=dict)


@dataclass
class ImportPlan:
    rows: list[PlanRow]
    problems: list[str]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def unmatched(self) -> list[PlanRow]:
        return [r for r in self.rows if r.action == "unmatched"]

    @property
    def refused(self) -> list[PlanRow]:
        return [r for r in self.rows if r.action == "refused"]

    def summary(self) -> dict:
        return {a: self.count(a) for a in ACTIONS} | {"problems": getattr(self.problems, "total", len(self.problems))}


ACTIONS = ("create", "update", "unchanged", "unmatched", "refused")


def _values(entry: MalEntry) -> dict:
    return {"status": entry.status, "score": entry.score,
            "episodes_watched": entry.watched_episodes, "rewatch_count": entry.times_watched,
            "started_on": entry.started_on, "finished_on": entry.finished_on} | \
        ({"notes": entry.notes} if entry.notes else {})  # an empty my_comments keeps our notes


def plan(user_id: int, data: bytes | BinaryIO) -> ImportPlan:
    """What importing ``data`` would do to the member's lists; changes nothing (dry run)."""
    entries, problems = parse(data)
    ids = list({e.animedb_id for e in entries})
    releases: dict[str, MatchedRelease] = {}
    for start in range(0, len(ids), 500):
        for release in (Release.select(Release.id, Release.title, Release.shikimori_id, Release.age_limit)
                        .where(Release.shikimori_id.in_(ids[start:start + 500]))
                        .order_by(Release.id).tuples()):
            releases.setdefault(release[2], MatchedRelease(*release))
    fields = [ListEntry.release, ListEntry.status, ListEntry.score, ListEntry.episodes_watched,
              ListEntry.rewatch_count, ListEntry.started_on, ListEntry.finished_on, ListEntry.notes]
    existing = {e.release_id: e for e in ListEntry.select(*fields).where(ListEntry.user == user_id)}
    cap = member_cap(user_id)
    rows, seen = [], set()
    for entry in entries:
        release = releases.get(entry.animedb_id)
        if release is None:
            rows.append(PlanRow(entry, None, "unmatched"))
            continue
        if not allowed(release, cap):  # reported without naming the catalog's release
            rows.append(PlanRow(entry, None, "refused"))
            continue
        if release.id in seen:
            problems.note(f"{entry.title or entry.animedb_id}: listed twice, the first one is used")
            continue
        seen.add(release.id)
        values, current = _values(entry), existing.get(release.id)
        if current is None:
            rows.append(PlanRow(entry, release, "create", values))
            continue
        changes = {k: v for k, v in values.items() if getattr(current, k) != v}
        rows.append(PlanRow(entry, release, "update" if changes else "unchanged", changes))
    return ImportPlan(rows, problems)


def apply(user_id: int, data: bytes | BinaryIO, now: datetime | None = None) -> ImportPlan:
    """Import ``data`` into the member's lists in one transaction; returns the plan applied.
    Imported statuses count as the member's own choice (``manual``)."""
    result = plan(user_id, data)
    now = now or utcnow()
    with write_transaction():
        for row in result.rows:
            if row.action == "create":
                ListEntry.create(user=user_id, release=row.release.id, manual=True, created_at=now,
                                 updated_at=now, **row.changes)
            elif row.action == "update":
                changes = dict(row.changes, manual=True, updated_at=now)
                (ListEntry.update(**changes)
                 .where((ListEntry.user == user_id) & (ListEntry.release == row.release.id))
                 .execute())
    log.info("mal import user_id=%s %s", user_id,
             " ".join(f"{k}={v}" for k, v in result.summary().items()))
    events.member_data_changed.send(None, user_id=user_id, kind="lists")
    return result


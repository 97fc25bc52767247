"""Every browse filter and sort, declared once.

A filter is one ``BrowseFilter`` row: how it is read from the query string (``parse``), how it
narrows a portable Peewee query (``narrow``), its written-out SQL for ``browse_sqlite``
(``sql``), and how the OpenAPI document describes it (``doc``). Adding a filter is adding a
row here; ``params``, ``queries``, ``browse_sqlite`` and the API read this table, and the
browse equivalence test fails until the new row has a test case.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from peewee import SQL, NodeList

from ..models import Genre, Release, ReleaseGenre, ReleaseStudio, Studio, Translation
from ..models.catalog import KINDS, STATUSES
from . import args

BROWSE_KINDS = ("tv", "movie", "ova", "ona", "special")
TRANSLATION_TYPES = ("voice", "subtitles")

#: sort name -> ORDER BY (always ending on id, so pages are stable); the first is the default.
#: Nulls sort as SQLite sorts them (last when descending, first when ascending) on every database.
SORTS: dict[str, tuple] = {
    "updated": (Release.kodik_updated_at.desc(nulls="LAST"), Release.id.desc()),
    "rating": (Release.rating.desc(nulls="LAST"), Release.id.desc()),
    "year": (Release.year.desc(nulls="LAST"), Release.id.desc()),
    "title": (Release.sort_title.asc(nulls="FIRST"), Release.id.asc()),
    "popularity": (Release.popularity.desc(nulls="LAST"), Release.id.desc()),
    "added": (Release.first_seen_at.desc(nulls="LAST"), Release.id.desc()),
}
#: every sort the browse page and the API accept; ``household`` (the household's review
#: scores) is not a release column: ``social.ranking`` serves it, never ``queries``
SORT_NAMES = tuple(SORTS) + ("household",)


def indexed(field):
    return field


def unindexed(field):
    """``field`` as an expression SQLite will not use an index for (same value, portable SQL)."""
    if field is Release.kind or field is Release.status:  # text: ``|| ''``; numbers: unary +
        return field.concat("")
    return NodeList((SQL("+"), field), glue="")


@dataclass(frozen=True)
class BrowseFilter:
    """One browse filter. ``narrow(query, value, col)`` gets the cleaned value and ``col``
    (``indexed`` or ``unindexed``) for plain columns; ``sql(value, skip)`` returns
    ``[(condition on r, args)]``, leaving out what the driving set ``skip`` (name, value)
    already ensures; ``doc`` holds the OpenAPI query parameter's type, description and schema."""
    parse: Callable[[Any, str], Any]
    narrow: Callable[[Any, Any, Callable], Any]
    sql: Callable[[Any, tuple | None], list[tuple[str, list]]]
    doc: dict


def _marks(values) -> str:
    return ", ".join("?" * len(values))


def _column_in(column: str) -> dict:
    """``narrow`` and ``sql`` for "the column is one of the values"."""
    field = getattr(Release, column)
    return dict(narrow=lambda q, values, col: q.where(col(field).in_(values)),
                sql=lambda values, skip: [(f"r.{column} IN ({_marks(values)})", list(values))])


def _column_compare(column: str, op: str) -> dict:
    field = getattr(Release, column)
    compare = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b}[op]
    return dict(narrow=lambda q, value, col: q.where(compare(col(field), value)),
                sql=lambda value, skip: [(f"r.{column} {op} ?", [value])])


def _genres(query, slugs, col):
    for slug in slugs:  # every chosen genre must be present (AND)
        query = query.where(Release.id.in_(
            ReleaseGenre.select(ReleaseGenre.release).join(Genre).where(Genre.slug == slug)))
    return query


def _studios(query, slugs, col):
    return query.where(Release.id.in_(
        ReleaseStudio.select(ReleaseStudio.release).join(Studio).where(Studio.slug.in_(slugs))))


def _with_translation(condition):
    return lambda query, value, col: query.where(Release.id.in_(
        Translation.select(Translation.release)
        .where(condition(value) & (Translation.available == True))))  # noqa: E712


_GENRE = ('EXISTS (SELECT 1 FROM release_genre AS rg WHERE rg.release_id = r.id'
          ' AND rg.genre_id = (SELECT id FROM genre WHERE slug = ?))')
_STUDIOS = ('EXISTS (SELECT 1 FROM release_studio AS rs WHERE rs.release_id = r.id'
            ' AND rs.studio_id IN (SELECT id FROM studio WHERE slug IN ({marks})))')
_TEAMS = ('EXISTS (SELECT 1 FROM "translation" AS t WHERE t.release_id = r.id AND t.available = 1'
          ' AND t.team_id IN ({marks}))')
_VOICE = ('EXISTS (SELECT 1 FROM "translation" AS t WHERE t.release_id = r.id AND t.available = 1'
          ' AND t.voice = ?)')


def _doc(type_: str, description: str, **schema) -> dict:
    return {"type": type_, "description": description, **schema}


def _list_doc(item_type: str, description: str, **item_schema) -> dict:
    """A multi-value filter: an array sent comma-separated (``kind=tv,ova``: OpenAPI's
    ``style: form, explode: false``, what generated clients send); ``args.all_values``
    accepts the repeated form (``kind=tv&kind=ova``) and a mix of both as well."""
    return {"type": "array", "description": description + " Comma-separated (kind=tv,ova) or repeated "
            "(kind=tv&kind=ova).", "items": {"type": item_type, **item_schema},
            "style": "form", "explode": False}


#: filter name -> its declaration, in the order the query string is read
FILTERS: dict[str, BrowseFilter] = {
    "genre": BrowseFilter(
        parse=args.slugs, narrow=_genres,
        sql=lambda slugs, skip: [(_GENRE, [slug]) for slug in slugs if skip != ("genre", slug)],
        doc=_list_doc("string", "Genre slugs; several require all of them.", maxLength=120)),
    "studio": BrowseFilter(
        parse=args.slugs, narrow=_studios,
        sql=lambda slugs, skip: ([] if skip == ("studio", slugs[0])
                                 else [(_STUDIOS.format(marks=_marks(slugs)), list(slugs))]),
        doc=_list_doc("string", "Studio slugs; several mean any of them.", maxLength=120)),
    "kind": BrowseFilter(
        parse=args.choices(KINDS), **_column_in("kind"),
        doc=_list_doc("string", "Kinds (any of them): " + ", ".join(BROWSE_KINDS) + "...", enum=list(KINDS))),
    "status": BrowseFilter(
        parse=args.choices(STATUSES), **_column_in("status"),
        doc=_list_doc("string", "Statuses (any of them).", enum=list(STATUSES))),
    "team": BrowseFilter(
        parse=args.ids, narrow=_with_translation(lambda teams: Translation.team_id.in_(teams)),
        sql=lambda teams, skip: [(_TEAMS.format(marks=_marks(teams)), list(teams))],
        doc=_list_doc("integer", "Translation team ids (see /translations); several mean any.",
                      minimum=0, maximum=args.MAX_ID)),
    "translation_type": BrowseFilter(
        parse=args.one_choice(TRANSLATION_TYPES),
        narrow=_with_translation(lambda kind: Translation.voice == (kind == "voice")),
        sql=lambda kind, skip: [(_VOICE, [1 if kind == "voice" else 0])],
        doc=_doc("string", "Only releases with a voice-over or subtitles.", enum=TRANSLATION_TYPES)),
    "year_from": BrowseFilter(
        parse=lambda a, name: args.parse_int(a, name, 1900, 2100), **_column_compare("year", ">="),
        doc=_doc("integer", "First year.", minimum=1900, maximum=2100)),
    "year_to": BrowseFilter(
        parse=lambda a, name: args.parse_int(a, name, 1900, 2100), **_column_compare("year", "<="),
        doc=_doc("integer", "Last year.", minimum=1900, maximum=2100)),
    "min_rating": BrowseFilter(
        parse=lambda a, name: args.parse_float(a, name, 0, 10), **_column_compare("rating", ">="),
        doc=_doc("number", "Lowest rating (0..10).", minimum=0, maximum=10)),
}

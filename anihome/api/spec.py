"""Small builders for the OpenAPI pieces a route declares: parameters, schemas, references.

Route modules describe their answers with plain JSON Schema dicts (OpenAPI 3.0 dialect:
``nullable: True`` for null) and may publish named schemas in a module-level ``SCHEMAS``
dict, which ``register_api`` gathers into ``components.schemas``; ``ref("Name")`` points
at one of them.
"""
from __future__ import annotations

from typing import Any

from ..paging import MAX_PAGE, MAX_PER_PAGE

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code, e.g. not_found."},
                "message": {"type": "string", "description": "A sentence for people."},
                "field": {"type": "string", "description": "The parameter or body field at fault, when there is one."},
            },
        },
    },
}


def ref(name: str) -> dict:
    """A reference to the named schema in ``components.schemas``."""
    return {"$ref": f"#/components/schemas/{name}"}


def _schema(type: str, enum=None, default=None, minimum=None, maximum=None, format=None,
            max_length=None, items=None) -> dict:
    schema: dict[str, Any] = {"type": type}
    for key, value in (("enum", enum), ("default", default), ("minimum", minimum),
                       ("maximum", maximum), ("format", format), ("maxLength", max_length),
                       ("items", items)):
        if value is not None:
            schema[key] = list(value) if key == "enum" else value
    return schema


def query(name: str, type: str = "string", description: str = "", required: bool = False,
          **schema: Any) -> dict:
    """A query parameter; ``schema`` takes enum, default, minimum, maximum, format, max_length, items."""
    param = {"name": name, "in": "query", "required": required, "schema": _schema(type, **schema)}
    if description:
        param["description"] = description
    return param


def obj(properties: dict[str, dict], required: list[str] | None = None,
        description: str = "") -> dict:
    """A JSON object schema."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def string(description: str = "", nullable: bool = False, **extra: Any) -> dict:
    return _field("string", description, nullable, extra)


NOT_BLANK = r"\S"  # ECMA and Python regex alike: at least one character that is not white space


def text(description: str = "", *, min_length: int = 1, max_length: int | None = None) -> dict:
    """A body string the server refuses blank: ``minLength`` and a not-blank ``pattern``
    (the services trim first, so "   " is refused like ""), with the service's own length
    constants passed in (``max_length=comments.BODY_MAX``), never numbers typed again."""
    extra: dict[str, Any] = {"minLength": min_length, "pattern": NOT_BLANK}
    if max_length is not None:
        extra["maxLength"] = max_length
    return _field("string", description, False, extra)


def integer(description: str = "", nullable: bool = False, **extra: Any) -> dict:
    return _field("integer", description, nullable, extra)


def boolean(description: str = "", nullable: bool = False) -> dict:
    return _field("boolean", description, nullable, {})


def datetime_string(description: str = "", nullable: bool = False) -> dict:
    """An ISO 8601 timestamp in UTC, e.g. 2026-01-31T18:05:00Z."""
    return _field("string", description, nullable, {"format": "date-time"})


def _field(type: str, description: str, nullable: bool, extra: dict) -> dict:
    schema: dict[str, Any] = {"type": type, **extra}
    if description:
        schema["description"] = description
    if nullable:
        schema["nullable"] = True
    return schema


def page_of(item_schema: dict) -> dict:
    """The schema of one page in the API's pagination shape (see ``pagination.py``)."""
    return obj({
        "items": array(item_schema),
        "page": integer("This page, from 1.", minimum=1, maximum=MAX_PAGE),
        "per_page": integer("Items per page.", minimum=1, maximum=MAX_PER_PAGE),
        "total": integer("Items on all pages.", minimum=0),
        "pages": integer("Number of pages (0 when there are no items).", minimum=0),
    }, required=["items", "page", "per_page", "total", "pages"])

"""Reading API input: the JSON body and typed values from query arguments or body fields.

Every failure raises ``AppError`` naming the field, which the error handlers answer as
``{"error": {"code", "message", "field"}}``: 415 when the body is not JSON, 400 when it
is malformed or a value does not parse or is out of range. The parsers accept either
``request.args`` (strings) or a decoded JSON object (typed values).
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any, Iterable, Mapping

from flask import request

from .. import integers
from ..errors import AppError

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def get_json(required: bool = True, allowed: Iterable[str] | None = None) -> dict:
    """The request body as a JSON object.

    Wrong content type -> 415; empty (when ``required``), malformed or not an object -> 400.
    With ``allowed``, an unknown top-level field is a 400 naming it (catches typos).
    An absent body with ``required=False`` reads as ``{}``.
    """
    if request.mimetype and not request.is_json:
        raise _not_json()
    raw = request.get_data(cache=True)  # a body over MAX_UPLOAD_MB raises 413 here
    if not raw.strip():
        if required:
            raise AppError("The request body is empty; send a JSON object.", code="invalid_json")
        return {}
    if not request.is_json:
        raise _not_json()
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise AppError("The body is not valid UTF-8.", code="invalid_json") from None
    except RecursionError:
        raise AppError("The body is nested too deeply.", code="invalid_json") from None
    except ValueError as exc:
        message = f"The body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})." \
            if isinstance(exc, json.JSONDecodeError) else "The body is not valid JSON."
        raise AppError(message, code="invalid_json") from None
    if not isinstance(data, dict):
        raise AppError("The body must be a JSON object.", code="invalid_json")
    if allowed is not None:
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise AppError(f"Unknown field {unknown[0]!r}.", field=unknown[0])
    return data


def _not_json() -> AppError:
    return AppError("Send the body as JSON with Content-Type: application/json.",
                    status=415, code="unsupported_media_type")


def _value(source: Mapping[str, Any], name: str, required: bool) -> Any:
    value = source.get(name, _MISSING)
    if value is _MISSING or value is None or (isinstance(value, str) and value.strip() == ""):
        if required:
            raise AppError(f"{name} is required.", field=name)
        return _MISSING
    return value


def parse_int(source: Mapping[str, Any], name: str, default: Any = None, minimum: int | None = None,
              maximum: int | None = None, required: bool = False) -> int | None:
    """An integer within [minimum, maximum] (and always within 64 bits, as SQLite stores it)."""
    value = _value(source, name, required)
    if value is _MISSING:
        return default
    return integers.whole(value, name, minimum, maximum)


def parse_enum(source: Mapping[str, Any], name: str, choices: Iterable[str], default: Any = None,
               required: bool = False) -> str | None:
    """One of ``choices`` (exact match)."""
    choices = list(choices)
    value = _value(source, name, required)
    if value is _MISSING:
        return default
    if not isinstance(value, str) or value not in choices:
        raise AppError(f"{name} must be one of: {', '.join(choices)}.", field=name)
    return value


def parse_bool(source: Mapping[str, Any], name: str, default: Any = None, required: bool = False) -> bool | None:
    """true/false (also 1/0, yes/no, on/off in a query string)."""
    value = _value(source, name, required)
    if value is _MISSING:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise AppError(f"{name} must be true or false.", field=name)


def parse_date(source: Mapping[str, Any], name: str, default: Any = None, required: bool = False) -> date | None:
    """A calendar date written YYYY-MM-DD."""
    value = _value(source, name, required)
    if value is _MISSING:
        return default
    text = str(value).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise AppError(f"{name} must be a date written YYYY-MM-DD.", field=name) from None


def parse_datetime(source: Mapping[str, Any], name: str, default: Any = None,
                   required: bool = False) -> datetime | None:
    """An ISO 8601 timestamp, returned as naive UTC (the database convention)."""
    value = _value(source, name, required)
    if value is _MISSING:
        return default
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise AppError(f"{name} must be an ISO 8601 timestamp, e.g. 2026-01-31T18:05:00Z.", field=name) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def parse_str(source: Mapping[str, Any], name: str, default: Any = None, max_length: int | None = None,
              required: bool = False) -> str | None:
    """A string, whitespace-trimmed, at most ``max_length`` characters."""
    value = _value(source, name, required)
    if value is _MISSING:
        return default
    if not isinstance(value, str):
        raise AppError(f"{name} must be a string.", field=name)
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise AppError(f"{name} must be at most {max_length} characters.", field=name)
    return value

"""Application errors and the app-wide handlers: JSON under /api/, HTML pages elsewhere.

JSON errors always have one shape: ``{"error": {"code", "message", "field"?}}``.
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

log = logging.getLogger(__name__)


class AppError(Exception):
    """An error a user can act on: raised by services, shown as 4xx by views and the API.

    A message with values is written as an English template and its ``values``
    (a template such as 'At most %(n)s channels.' with ``values={"n": 8}``): ``message`` and
    ``template`` are the template, ``str(exc)`` and the API's text the filled-in English, and
    pages translate the template and fill it in the member's language
    (``web.templating.error_text``). Never an f-string: no catalog can hold every filled-in text.
    """

    status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None, status: int | None = None,
                 code: str | None = None, values: dict | None = None):
        # ``message`` is an English source string; with ``values`` it holds %(name)s
        # placeholders, so HTML pages translate it first and fill the values in after.
        self.template = message
        self.values = dict(values or {})
        super().__init__(message % self.values if self.values else message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class Forbidden(AppError):
    status, code = 403, "forbidden"


DISK_FULL_MESSAGE = ("The server's disk is full, so this change could not be saved. Nothing was changed; "
                     "the owner needs to free some space on the server.")

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
          415: "unsupported_media_type", 429: "rate_limited", 500: "internal_error",
          507: "disk_full"}


def error_body(status: int, message: str, code: str | None = None, field: str | None = None) -> dict:
    error = {"code": code or _CODES.get(status, "error"), "message": message}
    if field:
        error["field"] = field
    return {"error": error}


def json_error(status: int, message: str, code: str | None = None, field: str | None = None,
               headers: dict | None = None):
    response = jsonify(error_body(status, message, code, field))
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, message: str | None, code: str | None = None, field: str | None = None,
            headers: dict | None = None, values: dict | None = None):
    """JSON under /api/, else the error page in the layout (title and explanation by status,
    in the member's language; ``message`` when it says more; a way back)."""
    if wants_json():
        text = message % values if message and values else message
        return json_error(status, text or HTTP_STATUS_CODES.get(status, "Error"), code, field, headers)
    return (render_template("errors/error.html", status=status, message=message, values=values or {},
                            back=_back()),
            status, headers or {})


def _back() -> str | None:
    """The page the visitor came from, when it is on this site (a path), else None."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host or not parts.path.startswith("/"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path == request.full_path.rstrip("?") else path


def register_error_handlers(app) -> None:
    @app.errorhandler(AppError)
    def _app_error(exc: AppError):
        return _render(exc.status, exc.message, exc.code, exc.field, values=exc.values)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        headers = {}
        if exc.code == 405 and exc.valid_methods:
            headers["Allow"] = ", ".join(exc.valid_methods)
        retry = getattr(exc, "retry_after", None)
        if retry:
            headers["Retry-After"] = str(retry)
        message = exc.description or exc.name
        if not wants_json() and exc.description == type(exc).description:
            message = None  # Werkzeug's stock text is English-only: the page explains the status
        return _render(exc.code or 500, message, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        from .ops.diskspace import is_disk_full

        if is_disk_full(exc):
            from .ops.health import note_disk_full

            note_disk_full(current_app)
            log.error("disk full path=%s error=%s", request.path, type(exc).__name__)
            return _render(507, DISK_FULL_MESSAGE, "disk_full")
        log.exception("unhandled error path=%s", request.path)
        return _render(500, "Something went wrong on the server. The error was logged.")

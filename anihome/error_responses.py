"""The app-wide error handlers: JSON under /api/, the translated error page elsewhere.

Services raise ``errors.AppError`` (and its kinds); these handlers turn it, an HTTP error or
anything unexpected into ``{"error": {"code", "message", "field"?}}`` under /api/ and the
error page in the layout elsewhere.
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from .errors import DISK_FULL_MESSAGE, AppError, error_body

log = logging.getLogger(__name__)


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

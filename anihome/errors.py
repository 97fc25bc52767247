"""Application errors: what services raise, and the one shape of a JSON error.

JSON errors always have one shape: ``{"error": {"code", "message", "field"?}}``. How they
reach a visitor (JSON under /api/, an HTML page elsewhere) is ``error_responses``; this module
stays free of Flask, so processes without a web app (the sync and learning children) can
raise and catch these without loading it.
"""
from __future__ import annotations


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

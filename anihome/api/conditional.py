"""Conditional GETs for the API: an ``ETag`` on every successful GET answer, ``304 Not
Modified`` when the caller already holds that answer (``If-None-Match``).

The tag is a digest of the caller's member id and the body, so it is never the same for two
members (nor for one member's answers that differ in anything, language included);
``Cache-Control: private, no-cache`` keeps shared caches out and makes clients ask each time.
Streamed answers (exports) and files get no tag.
"""
from __future__ import annotations

import hashlib

from flask import request

from .auth import current_api_user

API_PATH_PREFIX = "/api/"


def etag_for(user_id, body: bytes) -> str:
    digest = hashlib.sha1(f"{user_id}|".encode())
    digest.update(body)
    return digest.hexdigest()[:24]


def install(app) -> None:
    @app.after_request
    def _conditional(response):
        req = request._get_current_object()
        if (req.method != "GET" or response.status_code != 200 or response.is_streamed
                or response.direct_passthrough or not req.path.startswith(API_PATH_PREFIX)
                or "no-store" in response.headers.get("Cache-Control", "")):
            return response
        user = current_api_user()
        response.set_etag(etag_for(user.id if user is not None else "-", response.get_data()))
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-cache"
        if "HTTP_IF_NONE_MATCH" not in req.environ:  # werkzeug's check costs more than the tag
            return response
        return response.make_conditional(req)

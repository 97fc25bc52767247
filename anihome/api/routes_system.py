"""System routes: health, the OpenAPI document, and who am I."""
from __future__ import annotations

import logging

from flask import current_app, jsonify, request

from ..i18n import pick_language
from ..migrations import current_version
from ..ops.health import free_mb, problems
from ..version import __version__
from .auth import current_api_user, current_api_token
from .blueprint import api_route
from .openapi import build_document
from .spec import integer, obj, ref, string

log = logging.getLogger(__name__)

SCHEMAS = {
    "Health": obj({
        "status": string("ok; degraded when something needs the owner (see problems); error when the "
                         "database cannot be read.", enum=["ok", "degraded", "error"]),
        "version": string("AniHome version."),
        "database": string("damaged when the last integrity check failed.", enum=["ok", "damaged", "error"]),
        "schema_version": integer("Highest applied migration.", nullable=True),
        "disk_free_mb": integer("Free megabytes on the disk holding the data dir.", nullable=True),
        "problems": {"type": "array", "description": "What is wrong, most serious first.",
                     "items": obj({"code": string(enum=["database_damaged", "disk_full", "disk_low"]),
                                   "message": string()}, required=["code", "message"])},
    }, required=["status", "version", "database", "schema_version", "disk_free_mb", "problems"]),
    "Me": obj({
        "id": integer(),
        "username": string(),
        "role": string(enum=["member", "moderator", "admin", "owner"]),
        "age_cap": integer("Highest age rating shown to this member; null when uncapped.", nullable=True),
        "language": string("Interface language.", enum=["en", "ru"]),
        "auth": string("How this call was authenticated.", enum=["token", "session"]),
        "token": obj({"id": integer(), "label": string(), "prefix": string()},
                     description="The token used for this call; null for a session.") | {"nullable": True},
    }, required=["id", "username", "role", "age_cap", "language", "auth", "token"]),
}


@api_route("/health", access="public", tags=["system"], summary="Is AniHome up",
           description="Answers 503 when the database cannot be read, 200 with status degraded and "
                       "the reasons when the database failed its integrity check or the disk is (nearly) "
                       "full. Needs no token.",
           responses={200: ref("Health"), 503: ("The database cannot be read.", ref("Health"))})
def health():
    """Liveness, database and disk checks for monitors and container health checks."""
    database = current_app.extensions["anihome.db"]
    try:
        schema_version = current_version(database)
        db_ok = True
    except Exception as exc:  # any database failure is reported, not raised
        log.warning("health database check failed error=%s", type(exc).__name__)
        schema_version, db_ok = None, False
    found = problems(current_app)
    damaged = any(p.code == "database_damaged" for p in found)
    status = "error" if not db_ok else ("degraded" if found else "ok")
    body = {"status": status, "version": __version__,
            "database": "error" if not db_ok else ("damaged" if damaged else "ok"),
            "schema_version": schema_version, "disk_free_mb": free_mb(current_app),
            "problems": [{"code": p.code, "message": p.message} for p in found]}
    return jsonify(body), 200 if db_ok else 503


@api_route("/openapi.json", access="public", tags=["system"], summary="This API's OpenAPI 3 document",
           responses={200: ("The OpenAPI document.", {"type": "object"})})
def openapi_document():
    """The machine-readable description of every /api/v1 route."""
    return jsonify(build_document(current_app))


@api_route("/me", access="token", tags=["system"], summary="The member behind the token",
           responses={200: ref("Me")})
def me():
    """Who this token (or session) belongs to."""
    user = current_api_user()
    token = current_api_token()
    return jsonify({
        "id": user.id, "username": user.username, "role": user.role, "age_cap": user.age_cap,
        "language": pick_language(user.locale, None, request.accept_languages),
        "auth": "token" if token is not None else "session",
        "token": None if token is None else {"id": token.id, "label": token.label, "prefix": token.prefix},
    })

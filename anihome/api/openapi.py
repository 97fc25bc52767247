"""The OpenAPI 3.0 document of /api/v1, built from the specs ``api_route`` attached to views.

Only declared routes appear, so a route mounted without ``api_route`` is missing from the
document and the test that compares the document with ``app.url_map`` fails. Path
parameters come from the URL rule; error answers are added by access level and inputs.
"""
from __future__ import annotations

import re
from typing import Any

from ..version import __version__
from .spec import ERROR_SCHEMA

OPENAPI_VERSION = "3.0.3"
SCHEMAS_EXTENSION = "anihome.api.schemas"
_CACHE = "anihome.api.openapi"

_RULE_VAR = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<args>[^)]*)\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")
_CONVERTER_SCHEMA = {"int": {"type": "integer"}, "float": {"type": "number"},
                     "uuid": {"type": "string", "format": "uuid"}}

_ERRORS = {
    400: ("BadRequest", "Invalid parameter or body; `field` names it."),
    401: ("Unauthorized", "No token, or the token is not valid (revoked, unknown, member disabled)."),
    403: ("Forbidden", "The member's role is too low for this route."),
    404: ("NotFound", "No such item."),
    413: ("PayloadTooLarge", "The body is larger than MAX_UPLOAD_MB."),
    415: ("UnsupportedMediaType", "The body is not sent as application/json."),
    429: ("RateLimited", "Too many requests; wait Retry-After seconds."),
    500: ("InternalError", "An unexpected error; it was logged."),
}
_RATE_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed per minute.",
    "X-RateLimit-Remaining": "Requests left in the current window.",
    "X-RateLimit-Reset": "Seconds until the current window ends.",
}


def openapi_path(rule: str) -> str:
    """``/api/v1/tokens/<int:token_id>`` -> ``/api/v1/tokens/{token_id}``."""
    return _RULE_VAR.sub(lambda m: "{" + m.group("name") + "}", rule)


def _path_params(rule: str) -> list[dict]:
    return [{"name": m.group("name"), "in": "path", "required": True,
             "schema": _path_schema(m.group("converter"))}
            for m in _RULE_VAR.finditer(rule)]


def _path_schema(converter: str | None) -> dict:
    """Ids in paths are database ids: 1 .. 2**63-1 (larger ones answer 404 like unknown ids)."""
    schema = dict(_CONVERTER_SCHEMA.get(converter or "", {"type": "string", "minLength": 1}))
    if converter == "int":
        schema.update(minimum=1, maximum=2 ** 63 - 1)
    return schema


def _response(status: int, value: Any) -> dict:
    if isinstance(value, str):
        return {"description": value}
    if isinstance(value, tuple):
        description, schema = value
    elif isinstance(value, dict) and "description" in value and "type" not in value:
        return value
    else:
        description, schema = ("OK" if status < 300 else "Answer"), value
    return {"description": description, "headers": _rate_header_refs(),
            "content": {"application/json": {"schema": schema}}}


def _rate_header_refs() -> dict:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in _RATE_HEADERS}


def _error_codes(spec: dict, rule: str) -> list[int]:
    codes = {429, 500}
    if spec["access"] != "public":
        codes |= {401}
    if spec["access"] not in ("public", "token", "member"):
        codes |= {403}
    if spec["params"] or spec["body"] is not None:
        codes |= {400}
    if "<" in rule or spec["params"] or spec["body"] is not None:
        codes |= {404}  # an id in the path, the query or the body that names nothing
    if spec["body"] is not None:
        codes |= {400, 413, 415}
    return sorted(codes)


def _operation(endpoint: str, spec: dict, full_rule: str, method: str, multiple: bool) -> dict:
    op: dict[str, Any] = {
        "operationId": endpoint.split(".", 1)[-1] + (f"_{method.lower()}" if multiple else ""),
        "summary": spec["summary"],
    }
    if spec["description"]:
        op["description"] = spec["description"]
    if spec["tags"]:
        op["tags"] = spec["tags"]
    if spec["deprecated"]:
        op["deprecated"] = True
    params = _path_params(full_rule) + spec["params"]
    if params:
        op["parameters"] = params
    if spec["body"] is not None:
        op["requestBody"] = {"required": spec["body_required"],
                             "content": {"application/json": {"schema": spec["body"]}}}
    responses = {str(code): _response(code, value) for code, value in spec["responses"].items()}
    for code in _error_codes(spec, full_rule):
        responses.setdefault(str(code), {"$ref": f"#/components/responses/{_ERRORS[code][0]}"})
    op["responses"] = dict(sorted(responses.items()))
    op["security"] = [] if spec["access"] == "public" else [{"bearerAuth": []}, {"sessionCookie": []}]
    op["x-access-level"] = spec["access"]
    return op


def declared_routes(app, blueprint: str = "api") -> list[tuple[str, dict]]:
    """(endpoint, spec) for every ``api_route`` declaration mounted on ``app``."""
    found = []
    for endpoint, view in app.view_functions.items():
        if endpoint.split(".", 1)[0] != blueprint:
            continue
        for spec in getattr(view, "api_specs", ()):
            found.append((endpoint, spec))
    return found


def build_document(app) -> dict:
    """The whole OpenAPI document for ``app`` (cached per app; the routes never change)."""
    cached = app.extensions.get(_CACHE)
    if cached is not None:
        return cached
    prefix = app.blueprints["api"].url_prefix or ""
    paths: dict[str, dict] = {}
    tags: set[str] = set()
    for endpoint, spec in declared_routes(app):
        full_rule = prefix + spec["rule"]
        item = paths.setdefault(openapi_path(full_rule), {})
        for method in spec["methods"]:
            item[method.lower()] = _operation(endpoint, spec, full_rule, method, len(spec["methods"]) > 1)
        tags.update(spec["tags"])
    document = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "AniHome API", "version": __version__,
                 "description": "The JSON API of AniHome. See docs/api.md for authentication, "
                                "errors, pagination and rate limits."},
        "servers": [{"url": "/"}],
        "tags": [{"name": name} for name in sorted(tags)],
        "paths": dict(sorted(paths.items())),
        "components": _components(app, _body_schema_names(paths)),
    }
    app.extensions[_CACHE] = document
    return document


def _body_schema_names(paths: dict) -> set[str]:
    """Names of the component schemas used as request bodies (their fields are all the
    server accepts: ``get_json(allowed=...)`` refuses any other)."""
    names = set()
    for item in paths.values():
        for op in item.values():
            for media in op.get("requestBody", {}).get("content", {}).values():
                ref_ = media.get("schema", {}).get("$ref", "")
                if ref_.startswith("#/components/schemas/"):
                    names.add(ref_.rsplit("/", 1)[1])
    return names


def _components(app, closed: set[str] = frozenset()) -> dict:
    schemas = {"Error": ERROR_SCHEMA, **app.extensions.get(SCHEMAS_EXTENSION, {})}
    schemas = {name: dict(schema, additionalProperties=False)
               if name in closed and schema.get("type") == "object" and "additionalProperties" not in schema
               else schema for name, schema in schemas.items()}
    return {
        "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "A personal API token (ah_...), created on the account page "
                                          "or with `anihome token create`."},
            "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "anihome_session",
                              "description": "The signed-in browser session; writes also need the X-CSRFToken header."},
        },
        "headers": {name: {"description": text, "schema": {"type": "integer"}}
                    for name, text in _RATE_HEADERS.items()},
        "responses": {name: {"description": text,
                             "headers": _rate_header_refs() if code != 429 else {
                                 **_rate_header_refs(),
                                 "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
                             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                      for code, (name, text) in _ERRORS.items()},
        "schemas": dict(sorted(schemas.items())),
    }

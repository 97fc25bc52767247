"""The /api/v1 blueprint and ``api_route``, the one way to add an API route.

``api_route`` mounts a view on the blueprint, declares its access level and attaches its
OpenAPI description to the view, so the document at /api/v1/openapi.json is built from
the same place as the route and a test can hold the two together::

    from anihome.api.blueprint import api_route
    from anihome.api.spec import query, ref

    @api_route("/releases/<int:release_id>", methods=["GET"], access="token",
               summary="One release", tags=["catalog"], responses={200: ref("Release")})
    def release(release_id):
        ...

Path parameters are taken from the rule; declare query parameters with ``spec.query``,
a JSON body with ``body=`` and answers with ``responses=`` (see docs/api.md).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from flask import Blueprint

from ..security.access import LEVELS
from ..security.access import access as declare_access

bp = Blueprint("api", __name__, url_prefix="/api/v1")

_HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def api_route(rule: str, methods: Iterable[str] = ("GET",), access: str = "token", *,
              summary: str, description: str = "", tags: Iterable[str] = (),
              params: Iterable[dict] = (), body: dict | None = None, body_required: bool = True,
              responses: dict[int, Any] | None = None, endpoint: str | None = None,
              deprecated: bool = False) -> Callable:
    """Mount the decorated view at ``rule`` on the API blueprint with its access level and spec.

    ``responses`` maps a status code to a schema, a ``(description, schema)`` pair, a
    description string (no body) or a full OpenAPI Response Object. Error answers
    (400/401/403/404/413/415/429/500) are added to the document automatically.
    """
    methods = [m.upper() for m in methods]
    unknown = set(methods) - _HTTP_METHODS
    if unknown:
        raise ValueError(f"api_route {rule}: unsupported methods {sorted(unknown)}")
    if access not in LEVELS:
        raise ValueError(f"api_route {rule}: unknown access level {access!r}")
    spec = {"rule": rule, "methods": methods, "access": access, "summary": summary,
            "description": description, "tags": list(tags), "params": list(params),
            "body": body, "body_required": body_required, "responses": dict(responses or {}),
            "deprecated": deprecated}

    def register(view: Callable) -> Callable:
        declare_access(spec["access"])(view)
        specs = list(getattr(view, "api_specs", ()))
        specs.append(spec)
        view.api_specs = specs
        bp.add_url_rule(rule, endpoint or view.__name__, view, methods=methods)
        return view

    return register

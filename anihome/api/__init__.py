"""The JSON API under /api/v1: token authentication, rate limits, one error shape, OpenAPI.

Each module in ``API_MODULES`` mounts its routes with ``blueprint.api_route`` and may
publish named schemas in a ``SCHEMAS`` dict. Every call under /api/ passes one guard:
identify the caller, count it against the rate limit, enforce the route's access level.
"""
from __future__ import annotations

from importlib import import_module

from flask import g, request

# Add a module here to mount its API routes (see docs/api.md, "Adding a route").
API_MODULES = (
    "routes_system",
    "routes_tokens",
    "routes_jobs",
    "routes_library",
    "routes_collections",
    "routes_library_io",
    "routes_catalog",
    "routes_kodik",
    "routes_comments",
    "routes_reviews",
    "routes_moderation",
    "routes_learn",
    "routes_analytics",
    "routes_notify",
    "routes_channels",
)

API_PATH_PREFIX = "/api/"


def register_api(app) -> None:
    from . import auth, conditional, ratelimit
    from .blueprint import bp
    from .openapi import SCHEMAS_EXTENSION

    schemas: dict = {}
    for name in API_MODULES:
        module = import_module(f"{__name__}.{name}")
        for schema_name, schema in getattr(module, "SCHEMAS", {}).items():
            if schema_name in schemas:
                raise RuntimeError(f"API schema {schema_name!r} is declared twice ({name})")
            schemas[schema_name] = schema
    app.extensions[SCHEMAS_EXTENSION] = schemas
    app.register_blueprint(bp)
    # Bearer calls carry no CSRF token; session calls are checked in auth.enforce().
    app.extensions["anihome.csrf"].exempt(bp)
    ratelimit.init_limiter(app)
    conditional.install(app)

    @app.before_request
    def _api_guard():
        req = request._get_current_object()  # one proxy lookup: this runs on every API call
        if not req.path.startswith(API_PATH_PREFIX):
            return None
        caller = auth.identify(req.environ)
        g.api_caller = caller
        limiter, key = ratelimit.budget(app, caller, req.endpoint, req.remote_addr)
        if limiter.enabled:
            refused = ratelimit.check(limiter, key)
            if refused is not None:
                return refused
        return auth.enforce(caller, app, req.endpoint, req.method)

    @app.after_request
    def _api_headers(response):
        if request.path.startswith(API_PATH_PREFIX):
            ratelimit.add_headers(response)
            if "Vary" in response.headers:
                response.vary.update(("Authorization", "Cookie"))
            else:
                response.headers["Vary"] = "Authorization, Cookie"
        return response

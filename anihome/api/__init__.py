"""The JSON API under /api/v1: token authentication, rate limits, one error shape."""
from __future__ import annotations


def register_api(app) -> None:
    from .blueprint import bp

    app.register_blueprint(bp)

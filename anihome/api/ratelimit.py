"""API rate limiting: API_RATE_LIMIT requests per minute per token, member or client address.

Every answer under /api/ carries X-RateLimit-Limit, -Remaining and -Reset (seconds until
the window ends); a call over the limit gets 429 with Retry-After. API_RATE_LIMIT = 0
turns the limit (and the headers) off. The limiter lives in
``app.extensions["anihome.api.limiter"]``; tests may replace its ``clock``.
"""
from __future__ import annotations

from flask import g

from ..errors import json_error
from .limiter import FixedWindowLimiter

EXTENSION = "anihome.api.limiter"
WINDOW_SECONDS = 60.0


def init_limiter(app) -> FixedWindowLimiter:
    limiter = FixedWindowLimiter(app.config["API_RATE_LIMIT"], WINDOW_SECONDS)
    app.extensions[EXTENSION] = limiter
    return limiter


def check(limiter: FixedWindowLimiter, key: str):
    """Count this call for ``key``; None when allowed, else the 429 answer."""
    decision = limiter.hit(key)
    g.api_rate = decision
    if decision.allowed:
        return None
    return json_error(429, f"Too many requests: at most {decision.limit} per minute. "
                           f"Try again in {decision.retry_after} s.", "rate_limited",
                      headers={"Retry-After": str(decision.retry_after)})


def add_headers(response):
    """Put the X-RateLimit-* headers of this call on ``response``."""
    decision = g.get("api_rate")
    if decision is not None:
        response.headers.extend(decision.headers())
    return response

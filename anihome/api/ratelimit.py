"""API rate limiting: budgets per minute that fit a household.

- A bearer token (a media app, a script) gets API_RATE_LIMIT calls per minute; so does an
  anonymous client address (bad tokens count there too).
- A signed-in browser session (the web UI's own JavaScript) gets SESSION_RATE_LIMIT calls
  per minute for each kind of call, counted apart: search-as-you-type (autocomplete and
  search), progress saves, and everything else. Typing in the search box can then never
  use up the budget the player needs to save the member's place.

Every answer under /api/ carries X-RateLimit-Limit, -Remaining and -Reset (seconds until
the window ends) of the budget it counted against; a call over the limit gets 429 with
Retry-After. A limit of 0 turns that limit (and its headers) off. The limiters live in
``app.extensions["anihome.api.limiter"]`` (tokens, addresses) and
``app.extensions["anihome.api.session_limiter"]`` (sessions); tests may replace their ``clock``.
"""
from __future__ import annotations

from flask import g

from ..error_responses import json_error
from .limiter import FixedWindowLimiter

EXTENSION = "anihome.api.limiter"
SESSION_EXTENSION = "anihome.api.session_limiter"
WINDOW_SECONDS = 60.0
# Session calls counted apart from the rest, by endpoint: each group has its own budget.
SESSION_GROUPS = {"api.catalog_autocomplete": "typing", "api.catalog_search": "typing",
                  "api.progress_put": "progress"}


def init_limiter(app) -> FixedWindowLimiter:
    limiter = FixedWindowLimiter(app.config["API_RATE_LIMIT"], WINDOW_SECONDS)
    app.extensions[EXTENSION] = limiter
    app.extensions[SESSION_EXTENSION] = FixedWindowLimiter(app.config["SESSION_RATE_LIMIT"],
                                                           WINDOW_SECONDS)
    return limiter


def budget(app, caller, endpoint: str | None, remote_addr: str | None) -> tuple[FixedWindowLimiter, str]:
    """The limiter and key a call counts against: a session's member and kind of call, else
    the token or client address."""
    if caller.auth == "session":
        group = SESSION_GROUPS.get(endpoint or "", "other")
        return app.extensions[SESSION_EXTENSION], f"user:{caller.user.id}:{group}"
    return app.extensions[EXTENSION], caller.rate_key(remote_addr)


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

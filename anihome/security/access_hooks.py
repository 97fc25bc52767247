"""Enforce declared access levels for HTML routes, and send a new install to first-run setup.

API routes (blueprint ``api``) authenticate with tokens and enforce in ``anihome.api``.
"""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_login import current_user

from .access import decide, level_of
from ..accounts.setup import needs_setup

SETUP_EXEMPT = {"static", "setup.setup", "setup.restore_archive"}


def install_access_control(app) -> None:
    @app.before_request
    def _enforce_web_access():
        endpoint = request.endpoint
        if endpoint is None or request.blueprint == "api":
            return None
        if endpoint not in SETUP_EXEMPT and not app.extensions.get("anihome.setup_done"):
            if needs_setup():
                return redirect(url_for("setup.setup"))
            app.extensions["anihome.setup_done"] = True
        verdict = decide(level_of(app, endpoint), current_user)
        if verdict == "unauthenticated":
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if verdict == "forbidden":
            abort(403)
        return None

"""HTML blueprints, one module per area. Views are thin: they call services and render."""
from __future__ import annotations

from importlib import import_module

# Each module defines ``bp``; add a module here to mount its blueprint.
WEB_MODULES = (
    "home",
    "catalog",
    "setup",
    "auth",
    "account",
    "account_tokens",
    "account_sessions",
    "screens",
    "admin_members",
    "invite",
    "admin_jobs",
    "admin_system",
    "admin_kodik",
    "player",
    "library",
    "library_collections",
    "library_io",
    "learn",
    "onboarding",
    "artwork",
    "social",
    "admin_moderation",
    "error_pages",
    "titles",
    "analytics",
    "analytics_reports",
    "notify",
    "notify_settings",
    "admin_notify",
)


def register_web(app) -> None:
    from .page_cache import install

    for name in WEB_MODULES:
        module = import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
    install(app)

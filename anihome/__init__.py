"""AniHome: a self-hosted anime home hub. ``create_app`` builds one app; nothing runs at import."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .version import __version__

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: Mapping[str, Any] | None = None) -> "Flask":
    """Build the Flask app from settings (``anihome.app``). Does not migrate and never starts the
    scheduler. Flask is imported here, not with the package, so child processes and commands
    that need no web app start without it."""
    from .app import create_app as build

    return build(overrides)


__all__ = ["create_app", "__version__"]

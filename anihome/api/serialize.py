"""Shared serialization conventions for API answers (the one ISO-8601 form lives in clock)."""
from __future__ import annotations

from ..catalog.titles import mode_of, with_display_titles
from ..clock import iso
from .auth import current_api_user

__all__ = ["iso", "titled"]


def titled(body):
    """``body`` where every release-shaped part also carries ``display_title``: its title in
    the calling member's title language (account page: Russian, romaji or English)."""
    return with_display_titles(body, mode_of(current_api_user()))

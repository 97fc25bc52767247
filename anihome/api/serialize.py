"""Shared serialization conventions for API answers (the one ISO-8601 form lives in clock)."""
from __future__ import annotations

from ..clock import iso

__all__ = ["iso"]

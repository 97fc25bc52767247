"""The poster cache job, every POSTER_FETCH_INTERVAL_MINUTES (0: only by hand)."""
from __future__ import annotations

from typing import Any, Mapping

from ..jobs.registry import JobSpec
from .posters import JOB_ID, cache_posters


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    interval = int(settings.get("POSTER_FETCH_INTERVAL_MINUTES") or 0)
    return [JobSpec(
        id=JOB_ID, function=cache_posters,
        description="Fetch posters not stored yet onto this server, so pages never load artwork from other sites.",
        interval_minutes=interval if interval > 0 else None, enabled=interval > 0,
        setting="POSTER_FETCH_INTERVAL_MINUTES")]

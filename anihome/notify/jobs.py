"""Notification jobs: the sender every minute, the weekly digests (checked hourly), the dub-stalled rule daily."""
from __future__ import annotations

from typing import Any, Mapping

from ..jobs.registry import JobSpec
from .delivery import deliver_job
from .digest import digest_job
from .stalled import stalled_job


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    return [
        JobSpec(id="notify-deliver", function=deliver_job, interval_minutes=1, catch_up=False, coalesce_idle=True,
                description="Send pending notifications to members' channels (retries with backoff, quiet hours)."),
        JobSpec(id="notify-digest", function=digest_job, cron="0 * * * *", catch_up=False,
                description="Write the weekly digest of members whose chosen day and hour it is."),
        JobSpec(id="notify-dub-stalled", function=stalled_job, cron="40 9 * * *",
                description="Tell members when their dub of a followed release stalls while another moves on."),
    ]

"""Connect the notification receivers to the domain signals (idempotent: blinker keeps one of each)."""
from __future__ import annotations

from .. import events
from . import alerts, fanout, subscriptions


def connect() -> None:
    events.catalog_written.connect(fanout.on_catalog_written)
    events.comment_replied.connect(fanout.on_comment_replied)
    events.list_status_changed.connect(subscriptions.on_list_status_changed)
    events.job_finished.connect(alerts.on_job_finished)

"""Kodik sync jobs: incremental every SYNC_INTERVAL_MINUTES, full weekly, demo on demand.

Each job is a thin wrapper around ``kodik.sync`` / ``kodik.demo``: it picks the token,
reports progress (pages, items done of Kodik's total) through the job context, and
returns the run's counters. The two syncs run ``kodik.sync`` in a child process
(``kodik.sync_child``): a full walk of the catalog would otherwise leave the serving process
~13 MB bigger for good (docs/benchmarks.md, "Memory of long work"); the child's progress,
log lines and catalog signals are relayed here. The demo catalog (a few hundred titles from
an in-process fake Kodik) loads in-process. A scheduled run without a token is skipped quietly (the
household may be running on the demo catalog); a manual or CLI run fails with a reason.
Two Kodik syncs never run at once: a run started while another is in flight is refused.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from .. import events
from ..i18n import N_
from ..jobs.child_process import child_settings, run_child
from ..jobs.registry import JobSpec, cron_setting
from ..models import JobRun
from .settings import current_token
from .sync import SyncError, SyncReport, check_token

log = logging.getLogger(__name__)

INCREMENTAL_JOB = "kodik-sync"
FULL_JOB = "kodik-full-sync"
DEMO_JOB = "kodik-demo"
SYNC_JOBS = (INCREMENTAL_JOB, FULL_JOB, DEMO_JOB)


def jobs(settings: Mapping[str, Any]) -> list[JobSpec]:
    """The Kodik job specs for these settings."""
    interval = int(settings.get("SYNC_INTERVAL_MINUTES") or 0)
    full_cron = cron_setting(settings.get("KODIK_FULL_SYNC_SCHEDULE", ""))
    return [
        JobSpec(id=INCREMENTAL_JOB, function=incremental_sync_job,
                description="Fetch what changed on Kodik since the last sync.",
                interval_minutes=interval if interval > 0 else None, enabled=interval > 0,
                setting="SYNC_INTERVAL_MINUTES", alert_owner=True),
        JobSpec(id=FULL_JOB, function=full_sync_job,
                description="Walk the whole Kodik anime catalog (resumable); retire titles Kodik dropped.",
                cron=full_cron, enabled=full_cron is not None, setting="KODIK_FULL_SYNC_SCHEDULE",
                misfire_grace_seconds=12 * 3600, alert_owner=True),
        JobSpec(id=DEMO_JOB, function=demo_job,
                description="Load the offline demo catalog from the built-in fake Kodik."),
    ]


def _other_sync_running(ctx) -> JobRun | None:
    """Another Kodik sync in flight (runs left "running" by a dead process are marked first)."""
    from ..jobs.runner import mark_interrupted_runs

    mark_interrupted_runs(ctx.app)
    return (JobRun.select().where(JobRun.job_id.in_(SYNC_JOBS), JobRun.job_id != ctx.job_id,
                                  JobRun.status == "running", JobRun.id != ctx.run_id)
            .order_by(JobRun.id.desc()).first())


def show_progress(ctx, mode: str, pages: int, items: int, done: int, total: int | None) -> None:
    """Write a sync's counters and how far it is to the job run."""
    ctx.counts.update(pages=pages, items=items, done=done)
    if total:
        ctx.counts["total"] = total
    fraction = min(done / total, 0.99) if total else None
    values = {"pages": pages, "done": done, "total": total}
    if mode == "full":
        text = N_("full sync: page %(pages)s, %(done)s of %(total)s items") if total else \
            N_("full sync: page %(pages)s, %(done)s items")
    else:
        text = N_("incremental sync: page %(pages)s, %(done)s of %(total)s items") if total else \
            N_("incremental sync: page %(pages)s, %(done)s items")
    ctx.progress(fraction, text % values)


def progress_reporter(ctx):
    """A sync progress callback (``sync.Progress``) writing to the job run."""
    def report(run: SyncReport, done: int, total: int | None) -> None:
        show_progress(ctx, run.mode, run.pages, run.items, done, total)
    return report


#: the module the sync jobs run as a child (tests point it elsewhere to make the child fail)
CHILD_MODULE = "anihome.kodik.sync_child"
RELAYED_SIGNALS = (events.catalog_changed.name, events.episode_added.name)


def sync_in_child(ctx, mode: str, token: str) -> tuple[str, dict[str, int]]:
    """Run one sync in a child process: (the mode it ran, its counts); SyncError on failure.

    When the child ends without its result (it crashed, or was killed), the parent's cached
    catalog is dropped whole: chunks it committed may not have been announced."""
    def on_message(message: dict) -> None:
        if message.get("kind") == "progress":
            show_progress(ctx, str(message["mode"]), int(message["pages"]), int(message["items"]),
                          int(message["done"]), message.get("total"))

    request = {"mode": mode, "token": token, "settings": child_settings(ctx.settings)}
    try:
        value = run_child(CHILD_MODULE, request, on_message, relay=RELAYED_SIGNALS, errors={"SyncError": SyncError})
    except SyncError:
        raise
    except BaseException:
        events.catalog_changed.send(None, release_ids=None)
        raise
    return str(value["mode"]), {name: int(count) for name, count in value["counts"].items()}


def _sync(ctx, mode: str) -> dict[str, int]:
    other = _other_sync_running(ctx)
    if other is not None:
        if ctx.trigger == "schedule":
            ctx.progress(1.0, N_("skipped: %(job)s is running") % {"job": other.job_id})
            return {"skipped": 1}
        raise SyncError(f"Another Kodik sync ({other.job_id}, run {other.id}) is running; try again when it ends.")
    token = current_token(ctx.settings)
    if not token.present and ctx.trigger == "schedule":
        ctx.progress(1.0, N_("skipped: no Kodik token"))
        return {"skipped": 1}
    from .demo import clear_demo_catalog, is_demo

    cleared = 0
    if token.present and is_demo():
        check_token(ctx.settings, token.token)  # never trade the demo for nothing
        cleared = clear_demo_catalog()
    ran, counts = sync_in_child(ctx, mode, token.token)
    if cleared:
        counts["demo_releases_removed"] = cleared
    done = N_("full sync done: %(items)s items") if ran == "full" else N_("incremental sync done: %(items)s items")
    ctx.progress(1.0, done % {"items": counts["items"]})
    return counts


def incremental_sync_job(ctx) -> dict[str, int]:
    """Job: store what changed on Kodik since the watermark (a full sync on the first run)."""
    return _sync(ctx, "incremental")


def full_sync_job(ctx) -> dict[str, int]:
    """Job: walk the whole catalog, resuming an unfinished walk; retire what Kodik dropped."""
    return _sync(ctx, "full")


def demo_job(ctx) -> dict[str, int]:
    """Job: load the demo catalog through the same sync code, from an in-process fake Kodik."""
    from .demo import load_demo_catalog

    other = _other_sync_running(ctx)
    if other is not None:
        raise SyncError(f"A Kodik sync ({other.job_id}) is running; load the demo when it ends.")
    report = load_demo_catalog(ctx.settings, progress=progress_reporter(ctx))
    ctx.progress(1.0, N_("demo catalog loaded: %(items)s items") % {"items": report.items})
    return report.as_counts()

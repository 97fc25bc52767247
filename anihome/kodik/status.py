"""What the admin Kodik page and its JSON twin show: token, schedule, live run, history.

``sync_status(app)`` gathers it in one plain dict (JSON-ready: times as ISO strings in
UTC), so the HTML page renders the same numbers the progress poller later refreshes.
Speed and ETA of a running sync come from its JobRun counters: items stored by this run
over the time it has run, and Kodik's total minus the items already done.
"""
from __future__ import annotations

from ..dates import iso_utc
from ..clock import utcnow
from ..jobs.state import registry_of
from ..models import Episode, JobRun, Release, Translation
from . import state
from .demo import is_demo
from .jobs import DEMO_JOB, FULL_JOB, INCREMENTAL_JOB, SYNC_JOBS
from .settings import current_token

HISTORY_LIMIT = 20


_iso = iso_utc


def run_progress(run: JobRun) -> dict:
    """One run with its speed (items/s) and, while it runs with a known total, its ETA."""
    counts = run.counts_dict
    end = run.finished_at or utcnow()
    elapsed = max((end - run.started_at).total_seconds(), 0.001)
    items, done, total = counts.get("items", 0), counts.get("done", 0), counts.get("total")
    rate = items / elapsed if items else 0.0
    eta = None
    if run.status == "running" and total and rate > 0:
        eta = max(total - done, 0) / rate
    return {
        "id": run.id, "job_id": run.job_id, "trigger": run.trigger, "status": run.status,
        "started_at": _iso(run.started_at), "finished_at": _iso(run.finished_at),
        "elapsed_seconds": round(elapsed, 1), "progress": run.progress, "progress_text": run.progress_text,
        "pages": counts.get("pages", 0), "items": items, "done": done, "total": total,
        "items_per_second": round(rate, 1), "eta_seconds": round(eta) if eta is not None else None,
        "counts": counts, "error": run.error.removeprefix("SyncError: ") if run.error else None,
    }


def _schedule(app) -> list[dict]:
    """The two sync jobs: their schedule text, controlling setting and next run (local time)."""
    from ..jobs.scheduler import next_run_times, planned_next_run

    specs = registry_of(app)
    planned = next_run_times(app)
    out = []
    for job_id in (INCREMENTAL_JOB, FULL_JOB):
        spec = specs.get(job_id)
        if spec is None:
            continue
        when = planned.get(job_id) or planned_next_run(spec, app.config["TIMEZONE"])
        out.append({"job_id": job_id, "schedule": spec.schedule_text, "setting": spec.setting,
                    "scheduled": spec.scheduled,
                    "next_run_at": when.isoformat(timespec="minutes") if when else None})
    return out


def sync_status(app) -> dict:
    """Everything the Kodik admin page shows, JSON-ready."""
    token = current_token(app.config["ANIHOME_SETTINGS"])
    runs = list(JobRun.select().where(JobRun.job_id.in_(SYNC_JOBS))
                .order_by(JobRun.id.desc()).limit(HISTORY_LIMIT))
    current = next((run for run in runs if run.status == "running"), None)
    summary = state.summary()
    return {
        "token": {"present": token.present, "masked": token.masked, "source": token.source},
        "demo": is_demo(),
        "schedule": _schedule(app),
        "watermark": _iso(summary["watermark"]),
        "last_full": _iso(summary["last_full"]),
        "last_incremental": _iso(summary["last_incremental"]),
        "unfinished_full": summary["unfinished_full"] and {
            k: summary["unfinished_full"][k] for k in ("pages", "items", "total", "resumed")},
        "catalog": {
            "releases": Release.select().where(Release.available).count(),
            "translations": Translation.select().where(Translation.available).count(),
            "retired": Translation.select().where(~Translation.available).count(),
            "episodes": Episode.select().count(),
        },
        "running": run_progress(current) if current else None,
        "history": [run_progress(run) for run in runs],
        "jobs": {"incremental": INCREMENTAL_JOB, "full": FULL_JOB, "demo": DEMO_JOB},
    }

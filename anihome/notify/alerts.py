"""Tell the owner when a job that guards the household fails (backups, syncs, the integrity check).

A ``job_finished`` receiver: a failed run of a job whose spec says ``alert_owner`` becomes one
``job_failed`` notification for each owner, at most one per job and day (the key carries the
UTC date), so a sync failing every 30 minutes while Kodik is down does not flood anyone. The
notification goes through the outbox like any other, so it reaches the owner's push channels
too. Writing it can fail (the integrity check fails *because* the database is damaged): that is
logged and never raised into the job runner.
"""
from __future__ import annotations

import logging

from ..clock import utcnow
from ..db import write_transaction
from ..models import JobRun, User
from . import inbox, outbox

log = logging.getLogger(__name__)

KIND = "job_failed"


def alert_items(job_id: str, run_id: int, error: str, owner_ids: list[int]) -> list[outbox.New]:
    key = f"jobfail:{job_id}:{utcnow().date().isoformat()}"
    data = {"job_id": job_id, "run_id": run_id, "error": (error or "")[:300]}
    return [outbox.New(owner, KIND, key, data=data) for owner in owner_ids]


def on_job_finished(sender, job_id: str = "", status: str = "", run_id: int | None = None, **kwargs) -> None:
    """Signal receiver (``sender`` is the app whose job ran)."""
    if status != "failed" or run_id is None:
        return
    from ..jobs.runner import job_scope
    from ..jobs.state import job_state

    spec = job_state(sender).registry.get(job_id)
    if spec is None or not spec.alert_owner:
        return
    try:
        with job_scope(sender):
            owners = [u.id for u in User.select(User.id).where((User.role == "owner") & User.is_active)]
            error = JobRun.select(JobRun.error).where(JobRun.id == run_id).scalar() or ""
            with write_transaction():
                written = outbox.write(alert_items(job_id, run_id, error, owners))
        inbox.announce(owners)
        log.warning("notify job failed job=%s run=%s owners=%d new=%d", job_id, run_id, len(owners), len(written))
    except Exception:  # the job already failed; a second failure must not hide the first
        log.exception("notify job failed alert could not be written job=%s run=%s", job_id, run_id)

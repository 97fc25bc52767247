"""API for admins: one job run's status and progress (polled by the admin run page)."""
from __future__ import annotations

from flask import jsonify

from ..dates import iso_utc
from ..jobs.history import get_run
from .blueprint import api_route
from .spec import datetime_string, integer, obj, ref, string

SCHEMAS = {
    "JobRun": obj({
        "id": integer(),
        "job_id": string("The registered job's id, e.g. backup."),
        "trigger": string("What started the run.", enum=["manual", "schedule", "cli"]),
        "status": string(enum=["running", "succeeded", "failed", "interrupted"]),
        "started_at": datetime_string(),
        "finished_at": datetime_string(nullable=True),
        "duration_seconds": {"type": "number", "nullable": True},
        "progress": {"type": "number", "minimum": 0, "maximum": 1, "nullable": True,
                     "description": "How far along the run is (0..1), when the job reports it."},
        "progress_text": string("What the job is doing now."),
        "counts": {"type": "object", "additionalProperties": {"type": "integer"},
                   "description": "Counters reported by the job, e.g. {\"releases\": 120}."},
        "error": string("Error type and message when the run failed.", nullable=True),
    }, required=["id", "job_id", "trigger", "status", "started_at", "finished_at",
                 "duration_seconds", "progress", "progress_text", "counts", "error"]),
}


_iso = iso_utc


def run_json(run) -> dict:
    """The JobRun schema for one run."""
    return {"id": run.id, "job_id": run.job_id, "trigger": run.trigger, "status": run.status,
            "started_at": _iso(run.started_at), "finished_at": _iso(run.finished_at),
            "duration_seconds": run.duration_seconds, "progress": run.progress,
            "progress_text": run.progress_text, "counts": run.counts_dict, "error": run.error}


@api_route("/admin/jobs/runs/<int:run_id>", methods=["GET"], access="admin",
           summary="One job run: status, progress, counts and error", tags=["admin"],
           responses={200: ref("JobRun")}, endpoint="admin_job_run")
def admin_job_run(run_id: int):
    """A job run as JSON, for the admin run page's live progress."""
    return jsonify(run_json(get_run(run_id)))

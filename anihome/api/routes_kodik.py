"""API for admins: the Kodik sync's status, polled by the admin Kodik page for live progress."""
from __future__ import annotations

from flask import current_app, jsonify

from ..kodik.status import sync_status
from .blueprint import api_route
from .spec import array, boolean, integer, obj, ref, string

_NUMBER = {"type": "number"}

SCHEMAS = {
    "KodikRun": obj({
        "id": integer(), "job_id": string(enum=["kodik-sync", "kodik-full-sync", "kodik-demo"]),
        "trigger": string(enum=["manual", "schedule", "cli"]),
        "status": string(enum=["running", "succeeded", "failed", "interrupted"]),
        "started_at": string(format="date-time"), "finished_at": string(format="date-time", nullable=True),
        "elapsed_seconds": _NUMBER,
        "progress": {"type": "number", "minimum": 0, "maximum": 1, "nullable": True},
        "progress_text": string(),
        "pages": integer("Kodik pages fetched by this run."),
        "items": integer("Kodik items stored by this run."),
        "done": integer("Items of the current full walk stored so far, across resumes."),
        "total": integer("Kodik's total for the walk, when known.", nullable=True),
        "items_per_second": _NUMBER,
        "eta_seconds": integer("Estimated seconds left, while running with a known total.", nullable=True),
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "error": string("Why the run failed (never contains the token).", nullable=True),
    }, required=["id", "job_id", "status", "started_at", "items", "items_per_second", "eta_seconds"]),
    "KodikStatus": obj({
        "token": obj({"present": boolean(), "masked": string("At most the last 4 characters."),
                      "source": string(enum=["admin", "setting", ""])}),
        "demo": boolean("The catalog is the offline demo catalog."),
        "schedule": array(obj({"job_id": string(), "schedule": string(), "setting": string(nullable=True),
                               "scheduled": boolean(), "next_run_at": string(nullable=True)})),
        "watermark": string("Newest Kodik updated_at stored.", nullable=True),
        "last_full": string(nullable=True), "last_incremental": string(nullable=True),
        "unfinished_full": {"type": "object", "nullable": True,
                            "description": "A full walk that will resume: pages, items, total, resumed."},
        "catalog": obj({"releases": integer(), "translations": integer(), "retired": integer(),
                        "episodes": integer()}),
        "running": {"allOf": [ref("KodikRun")], "nullable": True},
        "history": array(ref("KodikRun")),
        "jobs": {"type": "object", "additionalProperties": {"type": "string"}},
    }, required=["token", "demo", "schedule", "catalog", "running", "history"]),
}


@api_route("/admin/kodik/status", methods=["GET"], access="admin", tags=["admin"],
           summary="Kodik sync status: token (masked), schedule, the running sync's progress, history",
           responses={200: ref("KodikStatus")}, endpoint="admin_kodik_status")
def admin_kodik_status():
    """The Kodik page's data as JSON; the page polls it while a sync runs."""
    return jsonify(sync_status(current_app))

"""Admin: scheduled jobs (placeholder until jobs land)."""
from flask import Blueprint

from ..access import access

bp = Blueprint("admin_jobs", __name__, url_prefix="/admin/jobs")


@bp.get("/")
@access("admin")
def index():
    return "jobs"

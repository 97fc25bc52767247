"""Admin: household members (placeholder until accounts land)."""
from flask import Blueprint

from ..access import access

bp = Blueprint("admin_members", __name__, url_prefix="/admin/members")


@bp.get("/")
@access("admin")
def index():
    return "members"

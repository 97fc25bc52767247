"""First-run setup page: creates the owner account (placeholder until accounts land)."""
from flask import Blueprint

from ..access import access

bp = Blueprint("setup", __name__)


@bp.route("/setup", methods=["GET", "POST"])
@access("public")
def setup():
    return "setup"

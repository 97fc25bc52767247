"""The member's own account page (placeholder until accounts land)."""
from flask import Blueprint

from ..access import access

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/")
@access("member")
def index():
    return "account"


@bp.post("/language")
@access("public")
def language():
    return "language"

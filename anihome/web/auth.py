"""Sign in and sign out (placeholder until accounts land)."""
from flask import Blueprint

from ..access import access

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@access("public")
def login():
    return "login"


@bp.post("/logout")
@access("public")
def logout():
    return "logout"

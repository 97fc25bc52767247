"""The home page."""
from flask import Blueprint, render_template

from ..access import access

bp = Blueprint("home", __name__)


@bp.get("/")
@access("member")
def index():
    """The member's home: the catalog issue fills its rows."""
    return render_template("home/index.html")

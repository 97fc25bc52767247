"""The player page: Kodik's iframe for one episode, with resume and progress saving."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from ..security.access import access
from ..library import watch as watch_service
from ..models.library import LIST_STATUSES

bp = Blueprint("player", __name__)


@bp.get("/watch/<int:release_id>")
@access("member")
def watch(release_id: int):
    """Play one episode of a release in the chosen dub, resuming where the member left off."""
    page = watch_service.build(current_user.id, release_id, request.args.get("translation"),
                               request.args.get("season"), request.args.get("episode"))
    return render_template("player/watch.html", page=page, statuses=LIST_STATUSES)

"""``/posters/<release id>``: a release's poster from the box (stored copy or generated tile,
titled in the member's title language).

Every page points its artwork here, so members' browsers never contact another host for a
picture. A stored copy is cached by the browser for a day (with an ETag); the tile only
for an hour, so a poster the job stores later replaces it soon.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, send_file
from flask_login import current_user

from ..security.access import access
from ..artwork.posters import poster_for
from ..catalog.agecap import cap_of
from .titles import title_mode

bp = Blueprint("artwork", __name__)

STORED_MAX_AGE = 86400
TILE_MAX_AGE = 3600


@bp.get("/posters/<int:release_id>")
@access("member")
def poster(release_id: int):
    """The poster image of one release the member may see (404 otherwise). Pages add ``?t=``
    (the title language) for members not reading Russian titles: it only keeps browser caches
    apart, the language itself comes from the member's setting."""
    found = poster_for(current_app.config["ANIHOME_SETTINGS"], release_id, cap_of(current_user),
                       title_mode())
    if found.path is not None:
        response = send_file(found.path, mimetype=found.mimetype, conditional=True, etag=True,
                             max_age=STORED_MAX_AGE)
    else:
        response = Response(found.svg, mimetype="image/svg+xml")
        response.cache_control.max_age = TILE_MAX_AGE
    response.cache_control.public = None
    response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response

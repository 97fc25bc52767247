"""Import and export pages: MyAnimeList XML upload with a preview before anything changes,
and downloads of the member's MAL XML and full JSON export."""
from __future__ import annotations

from typing import IO

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wsgi import wrap_file

from ..security.access import access
from ..clock import utcnow
from ..errors import AppError
from ..library import export_json, import_store, mal
from ..ops import memory
from .templating import gettext as _

bp = Blueprint("library_io", __name__)

PREVIEW_ROWS = 500  # rows listed on the preview page; the summary counts all of them


@bp.get("/import")
@access("member")
def import_page():
    """Upload a MyAnimeList export (nothing changes until the preview is confirmed)."""
    return render_template("library/import.html")


@bp.post("/import")
@access("member")
def import_preview():
    """Check an uploaded MAL file and show what importing it would change."""
    data_dir = current_app.config["DATA_DIR"]
    upload = request.files.get("file")
    token = None
    try:
        if upload is None or not upload.filename:
            raise AppError("Choose a MyAnimeList export file.", "file")
        token = import_store.stage(data_dir, current_user.id, upload.stream)
        with import_store.open_staged(data_dir, current_user.id, token) as staged:
            plan = mal.plan(current_user.id, staged)
    except AppError as exc:
        if token is not None:
            import_store.discard(data_dir, current_user.id, token)
        return render_template("library/import.html", error=_(exc.message)), exc.status
    return render_template("library/import_preview.html", plan=plan, token=token,
                           shown=PREVIEW_ROWS)


@bp.post("/import/apply")
@access("member")
def import_apply():
    """Apply a previewed upload to the member's lists."""
    data_dir = current_app.config["DATA_DIR"]
    token = request.form.get("token", "")
    try:
        with import_store.open_staged(data_dir, current_user.id, token) as staged:
            plan = mal.apply(current_user.id, staged)
    except AppError as exc:
        flash(_(exc.message), "error")
        return redirect(url_for("library_io.import_page"))
    import_store.discard(data_dir, current_user.id, token)
    summary = plan.summary()
    flash(_("Imported: %(created)s added, %(updated)s updated, %(unmatched)s not found in the catalog.",
            created=summary["create"], updated=summary["update"], unmatched=summary["unmatched"]),
          "success")
    if summary["refused"]:
        flash(_("%(refused)s above your age limit were not imported.", refused=summary["refused"]),
              "error")
    return redirect(url_for("library.lists_page"))


@bp.get("/export")
@access("member")
def export_page():
    """Links to the member's exports."""
    return render_template("library/export.html")


def _download(body: bytes | IO[bytes], mimetype: str, name: str) -> Response:
    """A download of ``body``: bytes, or a rewound file (sent in blocks, closed after)."""
    stamp = utcnow().strftime("%Y%m%d")
    if isinstance(body, bytes):
        response = Response(body, mimetype=mimetype)
    else:
        response = Response(wrap_file(request.environ, body), mimetype=mimetype, direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{mimetype.split("/")[1]}"'
    response.headers["Cache-Control"] = "no-store"
    return memory.after_long_work(response)


@bp.get("/export/mal.xml")
@access("member")
def export_mal():
    """The member's lists as a MyAnimeList XML file."""
    body, _skipped = mal.export_xml(current_user.id)
    return _download(body, "application/xml", "anihome-mal")


@bp.get("/export/anihome.json")
@access("member")
def export_all():
    """Everything the member owns, as one JSON file."""
    return _download(export_json.spool(current_user.id), "application/json", "anihome-export")

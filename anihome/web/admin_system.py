"""Admin: the running system: cache statistics (and clearing it), database, backups and logs."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, url_for

from ..security.access import access
from ..cache import get_cache
from ..jobs.backup import backup_dir, database_size, list_backups
from ..jobs.history import latest_runs, local_time
from .templating import gettext as _

bp = Blueprint("admin_system", __name__, url_prefix="/admin/system")


@bp.get("/")
@access("admin")
def index():
    """Cache hit/miss counts, database size, backups on disk and where the logs are."""
    settings = current_app.config["ANIHOME_SETTINGS"]
    timezone = settings["TIMEZONE"]
    return render_template(
        "admin/system.html", cache=get_cache(current_app).stats(),
        database_bytes=database_size(settings), backups=list_backups(settings),
        backup_folder=backup_dir(settings), last_backup=latest_runs().get("backup"),
        log_file=Path(settings["DATA_DIR"]) / "logs" / "anihome.log", timezone=timezone,
        local=lambda value: local_time(value, timezone))


@bp.post("/cache/clear")
@access("admin")
def clear_cache():
    """Drop every cached entry (counts stay); pages are rebuilt from the database on demand."""
    get_cache(current_app).clear()
    flash(_("The cache was cleared."), "success")
    return redirect(url_for(".index"))

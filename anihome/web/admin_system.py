"""Admin: the running system: cache statistics (and clearing it), database, backups and logs."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..security.access import access
from ..cache import get_cache
from ..jobs.backup import backup_dir, database_size, list_backups
from ..jobs.history import latest_runs, local_time
from ..errors import AppError
from ..ops.restore import RestoreError
from .templating import gettext as _

bp = Blueprint("admin_system", __name__, url_prefix="/admin/system")


@bp.get("/")
@access("admin")
def index():
    """Cache hit/miss counts, database size, backups on disk and where the logs are."""
    from ..db import is_postgres
    from ..ops.pg_backups import available as pg_dump_problem

    settings = current_app.config["ANIHOME_SETTINGS"]
    timezone = settings["TIMEZONE"]
    postgres = is_postgres()
    return render_template(
        "admin/system.html", postgres=postgres, pg_dump_problem=pg_dump_problem() if postgres else None,
        cache=get_cache(current_app).stats(),
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


def _chosen_backup():
    name = request.values.get("backup", "")
    backup = next((b for b in list_backups(current_app.config["ANIHOME_SETTINGS"]) if b.name == name), None)
    if backup is None:
        abort(404)
    return backup


@bp.get("/restore")
@access("owner")
def restore_confirm():
    """What restoring the chosen backup will do, and the button that does it."""
    timezone = current_app.config["TIMEZONE"]
    return render_template("admin/restore.html", backup=_chosen_backup(),
                           local=lambda value: local_time(value, timezone))


@bp.post("/restore")
@access("owner")
def restore():
    """Replace the database with the chosen backup (the replaced one is kept in <data dir>/replaced)."""
    from ..db import is_postgres
    from ..ops.maintenance import restore_in_server

    backup = _chosen_backup()
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm the restore."), "error")
        return redirect(url_for(".restore_confirm", backup=backup.name))
    restore = None
    if is_postgres():  # a pg_dump archive, loaded in one transaction (ops.pg_restore)
        from ..ops.pg_restore import restore_pg_backup

        def restore(settings, head, lock_held):
            return restore_pg_backup(settings, backup.name, head, lock_held)
    try:
        result = restore_in_server(current_app._get_current_object(), backup.name, current_user.username,
                                   restore=restore)
    except (AppError, RestoreError) as exc:
        flash(_("The backup was not restored: %(reason)s", reason=getattr(exc, "message", str(exc))), "error")
        return redirect(url_for(".index"))
    _keep_owner_signed_in()
    flash(_("Restored %(name)s. The replaced database was kept as %(aside)s.", name=backup.name,
            aside=result.replaced_by or "-"), "success")
    return redirect(url_for(".index"))


def _keep_owner_signed_in() -> None:
    """A restore signs everyone out (``ops.restore``); sign this owner in again if the restored
    household has them (same id and name, active)."""
    from ..models import User
    from ..security.login import sign_in_browser

    owner = User.get_or_none((User.id == current_user.id) & (User.username_key == current_user.username_key))
    if owner is not None and owner.is_active and owner.role == "owner":
        sign_in_browser(owner)

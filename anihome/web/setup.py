"""First-run setup page: creates the owner account, then is gone for good (404)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from ..accounts import setup_code
from ..accounts.setup import SetupDone, check_setup_code, claim_household, needs_setup
from ..accounts.throttle import login_throttle
from ..security.access import access
from .templating import gettext as _
from .new_account_form import submit_new_account

bp = Blueprint("setup", __name__)


def after_setup_url() -> str:
    """Where the new owner lands after setup: home, whose empty state leads to the Kodik page."""
    return url_for("home.index")


@bp.route("/setup", methods=["GET", "POST"])
@access("public")
def setup():
    """Show the owner form while no owner exists; create the owner and sign them in."""
    if not needs_setup():
        raise SetupDone()
    data_dir = current_app.config["DATA_DIR"]
    if setup_code.ensure(data_dir)[1]:  # a server started without announcing it (e.g. embedded)
        setup_code.announce(data_dir, request.url)

    def create(username: str, password: str):
        return claim_household(login_throttle(current_app), data_dir, request.form.get("setup_code"),
                               username, password, request.remote_addr)

    form = submit_new_account(create, passthrough=(SetupDone,))
    if form.user is not None:
        flash(_("Welcome to AniHome, %(name)s! Your owner account is ready.", name=form.user.username),
              "success")
        return redirect(after_setup_url())
    return render_template("setup/setup.html", errors=form.errors, username=form.username), form.status


#: A household archive holds the whole catalog: far more than MAX_UPLOAD_MB allows other forms.
ARCHIVE_MAX_BYTES = 4 * 1024 ** 3


@bp.post("/setup/restore")
@access("public")
def restore_archive():
    """First run only: move a household here from an archive made by ``anihome export-household``."""
    import tempfile
    from pathlib import Path

    from ..errors import AppError
    from ..ops.household import import_household
    from ..ops.maintenance import restore_in_server
    from ..ops.restore import RestoreError

    if not needs_setup():
        raise SetupDone()
    request.max_content_length = ARCHIVE_MAX_BYTES
    try:  # restoring a household claims the install just like creating its owner
        check_setup_code(login_throttle(current_app), current_app.config["DATA_DIR"],
                         request.form.get("setup_code"), request.remote_addr)
    except AppError as exc:
        flash(_(exc.message), "error")
        return redirect(url_for(".setup"))
    upload = request.files.get("archive")
    if upload is None or not upload.filename:
        flash(_("Choose the archive file first."), "error")
        return redirect(url_for(".setup"))
    data_dir = Path(current_app.config["ANIHOME_SETTINGS"]["DATA_DIR"])
    with tempfile.TemporaryDirectory(prefix="anihome-upload-", dir=data_dir) as scratch:
        archive = Path(scratch) / "household.zip"
        upload.save(archive)
        try:
            restore_in_server(current_app._get_current_object(), archive.name, "first-run page",
                              restore=lambda settings, head, held: import_household(settings, archive, head, held))
        except (AppError, RestoreError) as exc:
            flash(_("The archive was not restored: %(reason)s", reason=getattr(exc, "message", str(exc))), "error")
            return redirect(url_for(".setup"))
    flash(_("The household was restored from the archive. Sign in with your account from there."), "success")
    return redirect(url_for("auth.login"))

"""The first-visit favourites picker (``learn.onboarding``): the page, saving the picks, and
skipping. The home page offers it once (``offer``) to a member with no history."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..cache import get_cache
from ..catalog.agecap import cap_of
from ..errors import AppError
from ..learn import onboarding
from ..security.access import access
from .templating import gettext as _

bp = Blueprint("onboarding", __name__)


def offer(user) -> bool:
    """Whether home shows the "pick a few favourites" card (cached until the member's data changes)."""
    return get_cache(current_app).get_or_set(f"learn:onboarding:{user.id}",
                                             lambda: onboarding.should_offer(user.id),
                                             tags=(f"user:{user.id}",))


def _groups(cap):
    return get_cache(current_app).get_or_set(f"learn:onboarding-groups:{cap}", lambda: onboarding.groups(cap),
                                             tags=("catalog",))


def _page(chosen: set[int], error: str | None, status: int = 200):
    return render_template("learn/welcome.html", groups=_groups(cap_of(current_user)), chosen=chosen,
                           error=error, low=onboarding.MIN_PICKS, high=onboarding.MAX_PICKS,
                           answer=onboarding.answer(current_user.id)), status


@bp.get("/welcome")
@access("member")
def page():
    """Popular titles under the member's age cap, grouped by genre, to tick 3-10 of."""
    return _page(set(), None)


@bp.post("/welcome")
@access("member")
def save():
    picks = request.form.getlist("picks")
    try:
        count = onboarding.save_picks(current_user, picks)
    except AppError:
        chosen = {int(v) for v in picks if v.isdigit() and len(v) < 19}
        return _page(chosen, _("Pick from %(low)s to %(high)s titles.", low=onboarding.MIN_PICKS,
                               high=onboarding.MAX_PICKS), 400)
    flash(_("%(count)s titles added to your favourites: For you now follows them.", count=count), "success")
    return redirect(url_for("home.index") + "#row-foryou")


@bp.post("/welcome/skip")
@access("member")
def skip():
    onboarding.skip(current_user)
    flash(_("Skipped. You can pick favourites later from the For-you row or your account page."), "success")
    return redirect(url_for("home.index"))

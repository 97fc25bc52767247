"""The home page: the member's continue-watching row, then the catalog rows (cached per age cap).
The whole page is cached per member (web/page_cache.py)."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from ..security.access import access
from ..cache import get_cache
from ..catalog import cached
from ..catalog.agecap import cap_of
from .learn import for_you
from .onboarding import offer as offer_onboarding
from .page_cache import render_page

log = logging.getLogger(__name__)

bp = Blueprint("home", __name__)

CONTINUE_LIMIT = 12


def _continue_watching(user) -> list:
    """The watching area's row for ``user`` (the service applies the age cap)."""
    try:
        from ..library.continue_watching import for_user
    except ImportError:
        return []
    return for_user(user.id, CONTINUE_LIMIT)


@bp.get("/")
@access("member")
def index():
    """The member's home: continue watching, new episodes, ongoing, top rated, recently added."""
    return render_page(lambda: render_template(
        "home/index.html", rows=cached.home_rows(get_cache(current_app), cap_of(current_user)),
        for_you=for_you(current_user), onboarding_offer=offer_onboarding(current_user),
        continue_items=_continue_watching(current_user)), tags=("job:learn",))

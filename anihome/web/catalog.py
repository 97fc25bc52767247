"""Catalog pages: browse with filters, a release, search results, the airing calendar and
its personal iCal feed. Views only read arguments, call the catalog services (through the
cache) and render; the member's age cap travels with every call."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_login import current_user
from markupsafe import Markup

from ..security.access import access
from ..cache import get_cache
from ..catalog import cached, feeds
from ..catalog import calendar as calendar_service
from ..catalog.agecap import cap_of
from .learn import similar_titles
from ..catalog.ical import feed_text
from ..catalog.args import parse_int
from ..catalog.filters import BROWSE_KINDS, SORT_NAMES
from ..catalog.params import parse_browse
from ..clock import utcnow
from ..library import release_state
from ..models.catalog import STATUSES
from ..social import ranking
from .page_cache import render_page
from .public_url import public_base, public_url_for
from .templating import current_language
from .titles import title_mode
from .templating import gettext as _

bp = Blueprint("catalog", __name__)


def _cache():
    return get_cache(current_app)


def _fragment(key: str, render) -> Markup:
    """HTML rendered once per language, age cap and ``key``, cached under the "catalog" tag.

    Fragments hold nothing member-specific (no names, no CSRF tokens), so members with the
    same cap, language and title language share them; the page around them is rendered per
    request.
    """
    full_key = f"catalog:html:{current_language()}:{cap_of(current_user)}:{title_mode()}:{key}"
    return Markup(_cache().get_or_set(full_key, render, tags=("catalog",)))


@bp.get("/browse")
@access("member")
def browse():
    """Releases filtered and sorted by the query string (shareable), one page at a time."""
    if request.args.get("sort") == ranking.SORT:  # from the household's reviews: fresh, never cached
        return _browse_page()
    return render_page(_browse_page)


def _browse_page() -> str:
    params = parse_browse(request.args)

    def render(result: dict) -> str:
        return render_template("catalog/_browse_body.html", params=params, result=result,
                               facets=cached.facets(_cache(), cap_of(current_user)), sorts=SORT_NAMES, kinds=BROWSE_KINDS,
                               live=cached.facet_counts(_cache(), params, cap_of(current_user)),
                               statuses=STATUSES)

    if params.sort == ranking.SORT:
        body = Markup(render(ranking.browse(params, cap_of(current_user))))
    else:
        body = _fragment(f"browse:{params.sort}:{params.key()}",
                         lambda: render(cached.browse(_cache(), params, cap_of(current_user))))
    return render_template("catalog/browse.html", body=body)


def _fill(fragment: Markup, holes: dict[str, str]) -> Markup:
    """A cached fragment with its ``<!--member:NAME-->`` holes filled by per-request HTML."""
    html = str(fragment)
    for name, part in holes.items():
        html = html.replace(f"<!--member:{name}-->", str(part), 1)
    return Markup(html)


@bp.get("/releases/<int:release_id>")
@access("member")
def release(release_id: int):
    """One release: titles, facts, the member's controls, translations, seasons x episodes
    (with the member's progress), franchise, similar titles, reviews and comments. The shared
    part is cached per cap and language; the whole page per member (web/page_cache.py)."""
    return render_page(lambda: _release_page(release_id), tags=("social", "job:learn"))


def _release_page(release_id: int) -> str:
    translation_id = (parse_int(request.args, "translation", 1, 2**31)
                      or release_state.chosen_dub(current_user.id, release_id))
    page = cached.release_page(_cache(), release_id, cap_of(current_user), translation_id)
    release = page["release"]
    body = _fragment(f"release:{release_id}:{translation_id}", lambda: render_template(
        "catalog/_release_body.html", page=page, release=release))
    st = release_state.state(current_user.id, release_id, with_progress=True)
    part = {"page": page, "release": release, "st": st}
    episodes = (render_template("catalog/_release_episodes.html", marks=st.marks, **part)
                if st.marks and page["seasons"] else
                _fragment(f"episodes:{release_id}:{translation_id}", lambda: render_template(
                    "catalog/_release_episodes.html", marks={}, **part)))
    body = _fill(body, {"actions": render_template("catalog/_release_member.html", **part),
                        "episode-tools": render_template("catalog/_release_episode_tools.html", **part),
                        "episodes": episodes})
    return render_template("catalog/release.html", body=body, release=release,
                           similar=similar_titles(release_id, cap_of(current_user)))


@bp.get("/search")
@access("member")
def search():
    """Search results for ``q``; an empty query shows the search box alone."""
    q = request.args.get("q", "")
    page = parse_int(request.args, "page", 1, 500, 1)
    result = None
    if q.strip():
        result = cached.search_page(_cache(), q, cap_of(current_user), page, 24)
    return render_template("catalog/search.html", q=q, result=result,
                           query_string=urlencode({"q": q}))


@bp.get("/calendar")
@access("member")
def calendar():
    """Next episodes this week and next, in the household's time zone (``?mine=1``: only
    releases on my lists), and the feed URL."""
    mine = request.args.get("mine") == "1"
    tz = current_app.config["TIMEZONE"]
    if mine:  # per member: not cached
        days = calendar_service.calendar_days(cap_of(current_user), utcnow(), tz,
                                              release_ids=calendar_service.followed_release_ids(current_user.id))
    else:
        days = cached.calendar_days(_cache(), cap_of(current_user), utcnow(), tz)
    token = feeds.feed_token(current_user.id)
    feed_url = public_url_for("catalog.ical", token=token) if token else None
    return render_template("catalog/calendar.html", days=days, feed_url=feed_url, mine=mine)


@bp.post("/calendar/feed")
@access("member")
def feed_issue():
    """Create (or replace) the member's iCal feed URL; any old URL stops working."""
    feeds.issue_token(current_user.id)
    flash(_("A new calendar feed address was created. The old one no longer works."), "success")
    return redirect(url_for("catalog.calendar") + "#feed")


@bp.post("/calendar/feed/revoke")
@access("member")
def feed_revoke():
    """Turn the member's iCal feed off."""
    if feeds.revoke_token(current_user.id):
        flash(_("The calendar feed was turned off."), "success")
    return redirect(url_for("catalog.calendar") + "#feed")


@bp.get("/calendar/<token>.ics")
@access("public")
def ical(token: str):
    """The personal iCal feed: public URL, the token in it is the secret (revocable)."""
    user = feeds.user_for_token(token)
    if user is None:
        abort(404)
    now = utcnow()
    items = cached.upcoming(_cache(), cap_of(user), now, current_app.config["TIMEZONE"])
    body = feed_text(items, now, public_base(), name=f"AniHome · {user.username}")
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="anihome.ics"'
    response.headers["Cache-Control"] = "private, max-age=900"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


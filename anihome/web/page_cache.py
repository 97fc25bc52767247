"""Member pages (home, browse, a release) served whole from the app cache as rendered HTML.

A page shows the member's own parts (their name and menu, continue watching, list state,
the release-page actions) around the shared catalog fragments, so the key holds everything
the HTML depends on: the member, the interface and title languages, the theme and TV
cookies and the full URL. A member never gets another member's entry.

Entries are dropped by signals (``anihome.cache``), never left to go stale:

- ``user:<id>``: the member's own changes (``member_data_changed``: lists, progress,
  favorites, collections, follows, the chosen dub; ``user_changed``: role, age cap,
  language, title language, disabled);
- ``catalog``: a sync or the demo catalog (``catalog_changed``);
- page tags: ``job:learn`` (recommendations and similar titles after a learning run),
  ``social`` (comments, reviews, votes, moderation: ``social_changed``).

``PAGE_TTL`` only bounds what no signal reports (writes by another process such as the
command line). A page is stored only when none of its tags was dropped while it was being
rendered (``Cache.snapshot``), so a change that lands mid-render is never hidden.

What changes per request without the member doing anything is left as holes, filled on
every answer: the CSRF token, the notifications bell (its unread count), the admins' health
banner, the comment form's double-submit nonce and, on a household screen (a device cookie),
the "Who's watching?" link. A request with flash messages waiting,
or with a theme cookie the layout does not know, is rendered the plain way and not stored.
"""
from __future__ import annotations

import hashlib
import secrets
from typing import Callable, Iterable

from flask import current_app, g, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..cache import get_cache
from ..security.access import level_of
from .templating import current_language
from ..catalog.titles import mode_of

PAGE_TTL = 120  # seconds
THEMES = frozenset({"auto", "light", "dark"})
_OPEN, _CLOSE = "<!--page-hole:", "-->"
_CSRF_MEMO_MAX = 4096


def _page_key(user, language: str) -> str | None:
    """The cache key of this request's page, or None when it must be rendered the plain way."""
    if not user.is_authenticated or request.method != "GET" or "_flashes" in session:
        return None
    cookies = request.cookies
    theme = cookies.get("theme", "auto")
    if theme not in THEMES:
        return None
    tv = "tv" if cookies.get("tv") == "on" else ""
    return f"page:{user.id}:{language}:{mode_of(user)}:{theme}:{tv}:{request.full_path}"


def render_page(build: Callable[[], str], tags: Iterable[str] = ()):
    """``build()``'s HTML for this member and URL, from the cache when nothing under it changed;
    with an ``ETag`` (and ``304 Not Modified`` when the browser holds this very page) unless
    the page carries a per-load nonce."""
    html, etag = cached_page(build, tags)
    if etag is None:
        return html
    response = current_app.response_class(html, mimetype="text/html")
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
    if "HTTP_IF_NONE_MATCH" not in request.environ:
        return response
    return response.make_conditional(request)


def cached_page(build: Callable[[], str], tags: Iterable[str] = ()) -> tuple[str | bytes, str | None]:
    """(the page's HTML, as UTF-8 bytes when it came through the cache, and its ETag or None).

    The ETag is a digest of the stored page, the member, the language and every hole's value,
    so it changes with anything the page shows; a page with a per-load nonce (the comment
    form's) has none: a 304 would hand the old nonce back."""
    user = current_user._get_current_object()
    language = current_language()
    key = _page_key(user, language)
    if key is None:
        return build(), None
    cache = get_cache(current_app)
    entry = cache.get(key)
    if entry is None:
        all_tags = (f"user:{user.id}", "catalog", *tags)
        since = cache.snapshot(all_tags)
        g.page_holes = True
        try:
            html = build()
        finally:
            g.page_holes = False
        encoded = html.encode("utf-8")  # stored encoded: no page is encoded twice
        # The view's endpoint and access level go with it: the fast path (web/page_fast.py)
        # checks the member against that level again on every answer.
        endpoint = request.endpoint
        entry = (_split(encoded), hashlib.sha1(encoded).hexdigest()[:16],
                 (endpoint, level_of(current_app, endpoint), dict(request.view_args or {})))
        cache.set(key, entry, ttl=PAGE_TTL, tags=all_tags, unless_dropped_since=since)
    parts, digest = entry[0], entry[1]
    html, holes = _fill(parts)
    if "nonce" in holes:
        return html, None
    return html, etag_of(digest, user.id, language, holes)


def etag_of(digest: str, user_id: int, language: str, holes: dict[str, str]) -> str:
    """The page's ETag: its stored text, the member, the language and every hole's value."""
    tag = hashlib.sha1(f"{digest}|{user_id}|{language}".encode())
    for name in sorted(holes):
        tag.update(f"|{name}={holes[name]}".encode())
    return tag.hexdigest()[:24]


_OPEN_B, _CLOSE_B = _OPEN.encode(), _CLOSE.encode()


def _split(html: bytes) -> tuple:
    """Text (bytes) and hole names (str) alternating: (text, name, text, ..., text)."""
    pieces = html.split(_OPEN_B)
    parts = [pieces[0]]
    for piece in pieces[1:]:
        name, _, rest = piece.partition(_CLOSE_B)
        parts += [name.decode(), rest]
    return tuple(parts)


def _fill(parts: tuple) -> tuple[bytes, dict[str, str]]:
    """The page with its holes filled, and the value of each hole."""
    values: dict[str, str] = {}
    for name in parts[1::2]:
        if name not in values:
            values[name] = FILLERS[name]()
    return join_parts(parts, values), values


def join_parts(parts: tuple, values: dict[str, str]) -> bytes:
    """The stored page's text with each hole replaced by its value."""
    if len(parts) == 1:
        return parts[0]
    out = list(parts)
    for index in range(1, len(out), 2):
        out[index] = values[out[index]].encode()
    return b"".join(out)


# --- holes ---------------------------------------------------------------------------------

def csrf_token() -> str:
    """The CSRF token for forms, the same one for a session's every page (tokens do not expire:
    WTF_CSRF_TIME_LIMIT is None), so signing it is done once per session, not per page."""
    raw = session.get("csrf_token")
    if not raw:
        return generate_csrf()
    memo = current_app.extensions.setdefault("anihome.csrf_memo", {})
    token = memo.get(raw)
    if token is None:
        token = generate_csrf()
        if len(memo) >= _CSRF_MEMO_MAX:
            memo.clear()
        memo[raw] = token
    return token


def _bell() -> str:
    from ..notify import inbox

    cache = get_cache(current_app)
    unread = inbox.peek_unread(cache, current_user._get_current_object().id)
    active = request.endpoint == "notify.index"
    return cache.get_or_set(f"page:bell:{current_language()}:{unread}:{active}",
                            lambda: render_template("notify/_bell.html"), ttl=3600)


def _health() -> str:
    user = current_user._get_current_object() if current_user else None
    if user is None or not user.is_authenticated or not user.has_role("admin"):
        return ""
    from ..ops.health import problems

    if not problems(current_app):
        return ""
    return render_template("base/_health_banner.html")


def _nonce() -> str:
    return secrets.token_urlsafe(12)


def _who() -> str:
    """On a household screen (a cookie of this device), the way back to the profile picker."""
    from .screens import current_screen
    from .templating import gettext

    if current_screen() is None:
        return ""
    return str(Markup('<a href="{}" class="who-link">{}</a>').format(url_for("screens.picker"),
                                                                        gettext("Who's watching?")))


FILLERS: dict[str, Callable[[], str]] = {"csrf": csrf_token, "bell": _bell, "health": _health, "nonce": _nonce,
                                         "who": _who}


def hole(name: str) -> Markup:
    """In a template: the part ``name`` now, or its hole while a page is rendered for the cache."""
    if g.get("page_holes"):
        return Markup(f"{_OPEN}{name}{_CLOSE}")
    return Markup(FILLERS[name]())


def _csrf_hole() -> Markup:
    return hole("csrf")


def install(app) -> None:
    """Templates get ``page_hole(name)``; ``csrf_token()`` leaves a hole in cached pages;
    cached pages are answered ahead of Flask when nothing is in doubt (``web/page_fast.py``)."""
    from . import page_fast

    app.jinja_env.globals["page_hole"] = hole
    app.jinja_env.globals["csrf_token"] = _csrf_hole
    # Flask-WTF also hands templates its generate_csrf through a context processor, which wins
    # over a Jinja global: without this one (run after it) a cached page kept the token of the
    # session that rendered it, and the member's other browsers got a token their session
    # refuses.
    app.context_processor(lambda: {"csrf_token": _csrf_hole})
    page_fast.install(app)

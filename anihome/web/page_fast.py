"""A cached member page answered before Flask's request machinery, when nothing is in doubt.

A page from the member's page cache (``web/page_cache.py``) used to cost what any Flask
request costs: a request context, URL matching, opening the session, flask-login, the access,
host and maintenance hooks, a response object and the after-request hooks (~4/5 of the
request's CPU time, the page itself being a dictionary lookup). This WSGI wrapper answers a
plain ``GET`` whose page is already cached for this member, with the same checks in the same
order, and hands every other request, and every one it is not sure about, to Flask untouched:

1. the maintenance gate is closed and first-run setup is done;
2. the ``Host`` header is one the host check allows;
3. the session cookie is one whose signature was checked within ``VERIFIED_SECONDS``
   (``security/sessions.py``), it holds only flask-login's keys and the CSRF token (no flash
   messages, no remember-me change, nothing Flask would write back), and flask-login's
   session protection would leave it unchanged;
4. the session key resolves to a member through the cached sign-in (``load_session_user``'s
   entry: dropped at once when a session ends or the member changes, expiry checked here);
5. the page key (member, interface language, title language, theme, TV, full URL) finds an
   entry, and the member still passes the access level of the view that rendered it;
6. every hole has its value without Flask: the CSRF token signed earlier for this session,
   the bell as rendered for this unread count, no health problem to show, no household
   screen cookie.

The answer's headers are the normal path's: content type and length, the weak ETag and
``Cache-Control`` of ``render_page`` (a page with a per-load nonce has neither), the
security headers and ``Vary: Cookie``; a request carrying ``If-None-Match`` goes through
werkzeug's own ``make_conditional`` (304 when it matches). A test compares the two paths'
headers and bodies. A view with work after its answer registers it in ``AFTER_ANSWER`` (the
release page's view event, ``web/analytics.py``): called with what the normal path's hook
reads, it may return a function run when the answer is closed (as ``call_on_close``).
"""
from __future__ import annotations

import secrets
import threading
from typing import Callable

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie
from werkzeug.wrappers import Request
from werkzeug.wsgi import ClosingIterator

from ..accounts.session_records import hash_key
from ..catalog.titles import mode_of
from ..clock import utcnow
from ..i18n import pick_language
from ..security.access import decide
from .page_cache import etag_of, join_parts
from .screens import COOKIE as SCREEN_COOKIE

#: endpoint -> ``hook(app, endpoint, user_id, view_args, query_string)``, run for each answer given here;
#: it may return a function to call when the answer is closed.
AFTER_ANSWER: dict[str, Callable] = {}
#: What a session may hold for its page to be answered here: flask-login's keys and the CSRF
#: token. Anything else (flash messages, ``_remember``, ``_permanent``) goes to Flask.
SESSION_KEYS = frozenset({"_user_id", "_fresh", "_id", "csrf_token"})
_MEMO_MAX = 1024
_NEVER_PAGES = ("/api/", "/static/", "/posters/")  # no cached page there: straight to Flask
_HTML = "text/html; charset=utf-8"


def _bounded(memo: dict, key, value):
    if len(memo) >= _MEMO_MAX:
        memo.clear()
    memo[key] = value
    return value


class FastPages:
    """Wraps ``app.wsgi_app``; see the module docstring. ``enabled`` off sends every request
    to Flask (tests compare both paths); ``hits`` counts the answers given here."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.enabled = True
        self.hits = 0
        self._cookies: dict[str, dict] = {}
        self._paths: dict[tuple, str] = {}
        self._languages: dict[tuple, str] = {}
        self._lock = threading.Lock()
        ext = app.extensions
        self._cache = ext["anihome.cache"]
        self._hosts = ext["anihome.hosts"]
        self._headers = list(ext["anihome.security_headers"].items()) + [("Vary", "Cookie")]
        self._sessions = app.session_interface
        self._cookie_name = app.config["SESSION_COOKIE_NAME"]
        self._csrf = ext.setdefault("anihome.csrf_memo", {})
        from ..ops.maintenance import _flag

        self._maintenance = _flag(app)

    def __call__(self, environ, start_response):
        if (self.enabled and environ.get("REQUEST_METHOD") == "GET" and "HTTP_COOKIE" in environ
                and not environ.get("PATH_INFO", "").startswith(_NEVER_PAGES)):
            answer = self._answer(environ)
            if answer is not None:
                self.hits += 1
                return answer(environ, start_response)
        return self.wsgi_app(environ, start_response)

    # --- the checks, in the normal path's order -----------------------------------------------

    def _answer(self, environ):
        app = self.app
        if self._maintenance.is_set() or not app.extensions.get("anihome.setup_done"):
            return None
        if not self._hosts.allows(environ.get("HTTP_HOST")):
            return None
        cookies = self._cookies.get(environ["HTTP_COOKIE"])
        if cookies is None:
            parsed = parse_cookie(environ["HTTP_COOKIE"])
            with self._lock:
                cookies = _bounded(self._cookies, environ["HTTP_COOKIE"], {k: parsed[k] for k in parsed})
        signed = cookies.get(self._cookie_name)
        if not signed or SCREEN_COOKIE in cookies:
            return None
        session = self._sessions.verified(signed)
        if session is None or not SESSION_KEYS.issuperset(session):
            return None
        session_key, raw_csrf = session.get("_user_id"), session.get("csrf_token")
        if not isinstance(session_key, str) or not raw_csrf:
            return None
        if session.get("_fresh") is not False and session.get("_id") != self._identifier(environ):
            return None  # flask-login would mark the session not fresh and write the cookie
        found = self._cache.get("session:" + hash_key(session_key), count_miss=False)
        if found is None:
            return None
        user, expires_at = found
        if expires_at is None or expires_at <= utcnow():
            return None
        language = self._language(user.locale, cookies.get("lang"), environ.get("HTTP_ACCEPT_LANGUAGE"))
        theme = cookies.get("theme", "auto")
        if theme not in ("auto", "light", "dark"):
            return None
        tv = "tv" if cookies.get("tv") == "on" else ""
        full_path = self._full_path(environ)
        entry = self._cache.get(f"page:{user.id}:{language}:{mode_of(user)}:{theme}:{tv}:{full_path}",
                                count_miss=False)
        if entry is None or len(entry) < 3:
            return None
        parts, digest, (endpoint, level, view_args) = entry
        if decide(level, user) != "ok":
            return None
        holes = self._holes(parts, user, language, endpoint, raw_csrf)
        if holes is None:
            return None
        body = join_parts(parts, holes)
        after = AFTER_ANSWER.get(endpoint)
        if after is not None:
            after = after(app, endpoint, user.id, view_args, environ.get("QUERY_STRING", ""))
        if "nonce" in holes:
            return _Plain(body, self._headers, None, after)
        tag = etag_of(digest, user.id, language, holes)
        if "HTTP_IF_NONE_MATCH" in environ:
            return self._conditional(body, tag, after)
        return _Plain(body, self._headers, tag, after)

    def _identifier(self, environ) -> str | None:
        known = getattr(self.app.login_manager._session_identifier_generator, "known", None)
        if known is None:
            return None
        return known.get((environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR")),
                          environ.get("HTTP_USER_AGENT")))

    def _language(self, locale, cookie, accept) -> str:
        key = (locale, cookie, accept)
        found = self._languages.get(key)
        if found is None:
            found = pick_language(locale, cookie, parse_accept_header(accept, LanguageAccept) if accept else None)
            with self._lock:
                _bounded(self._languages, key, found)
        return found

    def _full_path(self, environ) -> str:
        key = (environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        found = self._paths.get(key)
        if found is None:
            found = Request({"SCRIPT_NAME": key[0], "PATH_INFO": key[1], "QUERY_STRING": key[2],
                             "REQUEST_METHOD": "GET", "SERVER_NAME": "x", "SERVER_PORT": "80",
                             "wsgi.url_scheme": "http"}).full_path
            with self._lock:
                _bounded(self._paths, key, found)
        return found

    def _holes(self, parts, user, language, endpoint, raw_csrf) -> dict[str, str] | None:
        """Every hole's value, or None when one needs Flask (the normal path fills it)."""
        values: dict[str, str] = {}
        for name in parts[1::2]:
            if name in values:
                continue
            if name == "csrf":
                value = self._csrf.get(raw_csrf)
            elif name == "bell":
                from ..notify import inbox

                unread = inbox.peek_unread(self._cache, user.id)
                value = self._cache.get(f"page:bell:{language}:{unread}:{endpoint == 'notify.index'}",
                                        count_miss=False)
            elif name == "health":
                value = "" if not user.has_role("admin") or not _problems(self.app) else None
            elif name == "nonce":
                value = secrets.token_urlsafe(12)
            elif name == "who":
                value = ""  # no household screen cookie (checked above)
            else:
                value = None
            if value is None:
                return None
            values[name] = value
        return values

    def _conditional(self, body: bytes, tag: str, after):
        response = self.app.response_class(body, mimetype="text/html")
        if after is not None:
            response.call_on_close(after)
        response.set_etag(tag, weak=True)
        response.headers["Cache-Control"] = "private, no-cache"
        for name, value in self._headers:
            if name == "Vary":
                response.vary.add(value)
            else:
                response.headers.setdefault(name, value)
        return _Conditional(response)


def _problems(app) -> list:
    from ..ops.health import problems

    return problems(app)


class _Plain:
    __slots__ = ("body", "headers", "tag", "after")

    def __init__(self, body: bytes, headers: list, tag: str | None, after=None):
        self.body, self.headers, self.tag, self.after = body, headers, tag, after

    def __call__(self, environ, start_response):
        head = [("Content-Type", _HTML), ("Content-Length", str(len(self.body)))]
        if self.tag is not None:
            head += [("ETag", f'W/"{self.tag}"'), ("Cache-Control", "private, no-cache")]
        start_response("200 OK", head + self.headers)
        if self.after is not None:
            return ClosingIterator([self.body], self.after)
        return [self.body]


class _Conditional:
    __slots__ = ("response",)

    def __init__(self, response):
        self.response = response

    def __call__(self, environ, start_response):
        return self.response.make_conditional(environ)(environ, start_response)


def install(app) -> None:
    """Put the fast path in front of Flask (``app.extensions["anihome.fast_pages"]``)."""
    fast = FastPages(app, app.wsgi_app)
    app.wsgi_app = fast
    app.extensions["anihome.fast_pages"] = fast

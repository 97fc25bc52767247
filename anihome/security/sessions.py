"""Flask's signed-cookie session, minus its work on requests that carry no session at all.

API calls with a bearer token (and static files) send no cookie; Flask would still build a
signing serializer to open the empty session, and read seven cookie settings to find that
there is nothing to save (for a signed-in page whose session did not change, too). The
shortcuts give exactly Flask's answer: an empty new session; no cookie, and ``Vary: Cookie``
when the session was read.

A signed-in browser sends the same signed cookie with every page, and checking its signature
(an HMAC with a derived key, rebuilt per request) is a good part of a cached page's cost; a
cookie whose signature checked out is remembered for ``VERIFIED_SECONDS`` (keyed by the whole
signed value, so only that exact cookie matches) and opened from a copy. Sessions holding
lists or dicts (flash messages) are always opened the plain way: a request may change them
in place.
"""
from __future__ import annotations

import threading
import time

from flask.sessions import SecureCookieSessionInterface

VERIFIED_SECONDS = 60  # a verified cookie is trusted again this long without its signature check
_VERIFIED_MAX = 4096
_PLAIN = (str, int, float, bool, type(None))


class CookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        self._verified: dict[str, tuple[dict, float]] = {}
        self._lock = threading.Lock()

    def open_session(self, app, request):
        if app.secret_key and "HTTP_COOKIE" not in request.environ:
            return self.session_class()
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return super().open_session(app, request)
        found = self._verified.get(cookie)
        now = time.monotonic()
        if found is not None and now - found[1] < VERIFIED_SECONDS:
            return self.session_class(found[0])
        session = super().open_session(app, request)
        if session and all(isinstance(value, _PLAIN) for value in session.values()):
            with self._lock:
                if len(self._verified) >= _VERIFIED_MAX:
                    self._verified.clear()
                self._verified[cookie] = (dict(session), now)
        return session

    def verified(self, cookie: str) -> dict | None:
        """The contents of this exact signed cookie when its signature checked out within
        ``VERIFIED_SECONDS`` (read-only: the caller must not change it), else None."""
        found = self._verified.get(cookie)
        if found is None or time.monotonic() - found[1] >= VERIFIED_SECONDS:
            return None
        return found[0]

    def save_session(self, app, session, response) -> None:
        if not session.modified and (not session or not self.should_set_cookie(app, session)):
            if session.accessed:  # nothing to store or delete: no cookie, Flask's Vary alone
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)

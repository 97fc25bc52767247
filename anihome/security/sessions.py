"""Flask's signed-cookie session, minus its work on requests that carry no session at all.

API calls with a bearer token (and static files) send no cookie; Flask would still build a
signing serializer to open the empty session, and read seven cookie settings to find that
there is nothing to save. Both shortcuts give exactly Flask's answer: an empty new session;
no cookie, and ``Vary: Cookie`` when the session was read.
"""
from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface


class CookieSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if app.secret_key and "HTTP_COOKIE" not in request.environ:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if not session and not session.modified:  # nothing to store or delete: no cookie
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)

"""Signing a test client in, and reading CSRF tokens: one copy for every test folder.

- ``sign_in(client, username, password)`` goes through the real /login form (use it to test
  signing in, throttling, the session the form writes);
- ``sign_in_as(client, user)`` puts the session flask-login would write straight into the
  client's cookie (use it everywhere else: fast, no password needed); returns the client;
- ``csrf_token(client, path)`` scrapes a form's token, ``csrf_from(html)`` the meta tag's.
"""
from __future__ import annotations

import re

from anihome.security.login import session_id_for

PASSWORD = "correct horse battery"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client, path="/login") -> str:
    """A CSRF token valid for ``client``'s session, from the form on ``path``."""
    response = client.get(path, follow_redirects=True)
    match = _CSRF_FIELD.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {path} (status {response.status_code})"
    return match.group(1)


def csrf_from(html: str) -> str:
    """The CSRF token of a rendered page's ``<meta name="csrf-token">``."""
    match = _CSRF_META.search(html)
    assert match, "page carries no CSRF token"
    return match.group(1)


def sign_in(client, username, password=PASSWORD, **extra):
    """POST the /login form; returns the response (302 on success)."""
    data = {"csrf_token": csrf_token(client), "username": username, "password": password, **extra}
    return client.post("/login", data=data)


def sign_in_as(client, user):
    """Sign ``client`` in as ``user`` (a User row) without the form; returns ``client``."""
    with client.session_transaction() as session:
        session["_user_id"] = session_id_for(user)  # a server-side session record's key
        session["_fresh"] = True
    return client


def wait_for_js(page, expression: str, timeout: float = 10_000) -> None:
    """Wait until ``expression`` is truthy in ``page``. Playwright's wait_for_function evaluates
    its predicate with eval inside the page, which AniHome's CSP (script-src 'self') refuses;
    ``page.evaluate`` goes through the debugger protocol, so poll with it instead (across a
    reload, the new document is asked)."""
    import time

    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError as exc:  # the page is navigating: ask the next document
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout / 1000:g} s: {expression}")
        page.wait_for_timeout(50)


def fast_pages(app):
    """The app's fast path for cached member pages (``web/page_fast.py``)."""
    return app.extensions["anihome.fast_pages"]


def fast_get(app, client, path, **kwargs):
    """GET ``path``: (the response, whether the fast path answered it rather than Flask)."""
    before = fast_pages(app).hits
    response = client.get(path, **kwargs)
    return response, fast_pages(app).hits == before + 1

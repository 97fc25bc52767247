"""Browser-test fixtures, shared by every area: the app served by waitress on a free port,
Debian's chromium driven by Playwright, and signing a browser in as a member.

    def test_something(app, live_server, page, browser_sign_in):
        browser_sign_in(page, user)          # a User row
        page.goto(live_server + "/browse")

On a developer machine without Playwright or /usr/bin/chromium these tests are skipped; under CI
(the CI environment variable, set by the CI runner) a missing browser is a failure, never a skip.
"""
from __future__ import annotations

import os
import threading

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def live_server(app):
    """The test app served by waitress in a thread on 127.0.0.1 (free port); yields the base URL."""
    from waitress import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module (closed before the next module starts)."""
    if os.environ.get("CI") and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it; the browser tests must run in CI")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test (own cookies), 10 s default timeout."""
    context = browser.new_context(locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture
def browser_sign_in(app, live_server):
    """``browser_sign_in(page, user)``: give the page's context a session cookie for ``user``."""
    from anihome.security import session_id_for

    def sign_in(tab, user):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id_for(user)
            session["_fresh"] = True
        cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
        tab.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])

    return sign_in

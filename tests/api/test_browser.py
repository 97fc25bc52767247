"""In a real browser: create a token on the account page, and the page's JS calls the API
with the session (reads freely, writes only with the CSRF header that AniHome.api adds)."""
from __future__ import annotations

import shutil
import threading

import pytest
import requests

from tests.conftest import make_app, make_user

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="chromium not installed")


@pytest.fixture
def server(tmp_path):
    from waitress.server import create_server

    app = make_app(tmp_path)
    make_user(app, "owner", "owner")
    make_user(app, "Маша")
    srv = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.effective_port}"
    srv.close()
    thread.join(5)
    app.extensions["anihome.db"].close()


@pytest.fixture
def page(server):
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.conftest import PASSWORD

    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = chromium.new_page(viewport={"width": 390, "height": 844})
        page.goto(server + "/login")
        page.fill("#username", "Маша")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        yield page
        chromium.close()


def test_a_member_creates_a_token_in_the_browser_and_a_script_uses_it(server, page):
    page.goto(server + "/account/")
    with page.expect_navigation():
        page.click("#api-tokens a")
    page.fill("#label", "Kodi на ТВ")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    token = page.inner_text("[data-new-token]").strip()
    assert token.startswith("ah_")
    me = requests.get(server + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert me.json()["username"] == "Маша" and me.headers["X-RateLimit-Limit"] == "60"

    page.goto(server + "/account/tokens/")
    assert token not in page.content() and "Kodi на ТВ" in page.inner_text("table")
    with page.expect_navigation():
        page.click("table button.danger")
    assert requests.get(server + "/api/v1/me", headers={"Authorization": f"Bearer {token}"},
                        timeout=5).status_code == 401


def test_page_scripts_call_the_api_with_the_session_and_csrf_header(server, page):
    page.goto(server + "/account/tokens/")
    statuses = page.evaluate("""async () => {
        const me = await AniHome.api("/api/v1/me");
        const plain = await fetch("/api/v1/tokens", {method: "POST", headers: {"Content-Type": "application/json"},
                                                     body: JSON.stringify({label: "no csrf"})});
        const helped = await AniHome.api("/api/v1/tokens", {method: "POST", json: {label: "from js"}});
        return [me.status, (await me.json()).auth, plain.status, (await plain.json()).error.code, helped.status];
    }""")
    assert statuses == [200, "session", 400, "csrf_failed", 201]

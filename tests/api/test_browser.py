"""In a real browser: create a token on the account page, and the page's JS calls the API
with the session (reads freely, writes only with the CSRF header that AniHome.api adds)."""
from __future__ import annotations

import pytest
import requests

from tests.conftest import make_user


@pytest.fixture
def signed_in(app, live_server, page, browser_sign_in):  # noqa: F811
    make_user(app, "owner", "owner")
    browser_sign_in(page, make_user(app, "Маша"))
    return page


def _me(live_server, token):  # noqa: F811
    return requests.get(live_server + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=5)


def test_a_member_creates_a_token_in_the_browser_and_a_script_uses_it(live_server, signed_in):  # noqa: F811
    page = signed_in
    page.goto(live_server + "/account/")
    with page.expect_navigation():
        page.click("#api-tokens a")
    page.fill("#label", "Kodi на ТВ")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    token = page.inner_text("[data-new-token]").strip()
    assert token.startswith("ah_")
    me = _me(live_server, token)
    assert me.json()["username"] == "Маша" and me.headers["X-RateLimit-Limit"] == "60"

    page.goto(live_server + "/account/tokens/")
    assert token not in page.content() and "Kodi на ТВ" in page.inner_text("table")
    with page.expect_navigation():
        page.click("table button.danger")
    assert _me(live_server, token).status_code == 401


def test_page_scripts_call_the_api_with_the_session_and_csrf_header(live_server, signed_in):  # noqa: F811
    signed_in.goto(live_server + "/account/tokens/")
    statuses = signed_in.evaluate("""async () => {
        const me = await AniHome.api("/api/v1/me");
        const plain = await fetch("/api/v1/tokens", {method: "POST", headers: {"Content-Type": "application/json"},
                                                     body: JSON.stringify({label: "no csrf"})});
        const helped = await AniHome.api("/api/v1/tokens", {method: "POST", json: {label: "from js"}});
        return [me.status, (await me.json()).auth, plain.status, (await plain.json()).error.code, helped.status];
    }""")
    assert statuses == [200, "session", 400, "csrf_failed", 201]

"""In a real browser: "Run now" opens the run page, which shows live progress and the end result."""
from __future__ import annotations

import threading

import pytest

from .conftest import sign_in

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def live_server(app):
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="test-waitress", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(5)


@pytest.fixture
def browser_page(app, people, live_server):
    """A chromium page signed in as the admin (session cookie made by the test client)."""
    client = app.test_client()
    sign_in(client, people["admin"])
    client.get("/admin/jobs/")
    cookie = client.get_cookie("anihome_session")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        browser.close()


def test_run_now_shows_live_progress_then_the_result(app, sample_jobs, gate, live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server}/admin/jobs/")
    page.click('tr[data-job="held"] button[type=submit]')

    page.wait_for_url("**/admin/jobs/runs/*")
    assert gate.entered.wait(5)
    page.wait_for_function("document.querySelector('[data-run-progress-text]').textContent.includes('halfway')")
    assert page.get_attribute("[data-run-progress]", "aria-valuenow") == "50"
    assert page.inner_text("[data-run-status]") == "Running"

    gate.release.set()
    page.wait_for_selector("text=Run again")
    assert page.inner_text("[data-run-status]") == "Succeeded"
    assert "items: 7" in page.inner_text("[data-run-counts]")

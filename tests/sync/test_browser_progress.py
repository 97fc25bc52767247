"""In a real browser: "Full sync now" shows a live progress bar that moves without a reload,
then the finished run appears in the history."""
from __future__ import annotations

import threading

import pytest

from anihome.kodik.fake.faults import Fault
from tests.conftest import PASSWORD, make_app, make_user

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def server(tmp_path, fake):
    from waitress.server import create_server

    app = make_app(tmp_path, KODIK_URL=fake.base_url, KODIK_TOKEN=fake.token, KODIK_MAX_RPS=0,
                   API_RATE_LIMIT=100000)
    make_user(app, "owner", "owner")
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    httpd.close()
    thread.join(5)


def test_the_progress_bar_moves_without_a_reload_and_the_run_lands_in_history(server, fake):
    fake.set_faults(Fault("slow", count=None, seconds=0.6, path="/list"))
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{server}/login")
            page.fill("input[name=username]", "owner")
            page.fill("input[name=password]", PASSWORD)
            page.click("main form button[type=submit]")
            page.wait_for_url(lambda url: "/login" not in url)
            page.goto(f"{server}/admin/kodik/")
            page.click("button[name=mode][value=full]")
            page.wait_for_url(f"{server}/admin/kodik/")
            page.evaluate("window.__sameDocument = true")
            page.wait_for_function(
                "Number(document.querySelector('[data-kodik-done]').textContent) > 0 && window.__sameDocument",
                timeout=20000)
            assert page.is_visible("[data-kodik-live]")
            assert int(page.get_attribute("[data-kodik-bar]", "aria-valuenow")) > 0
            assert float(page.text_content("[data-kodik-rate]")) > 0
            fake.clear_faults()
            page.wait_for_function("!window.__sameDocument", timeout=30000)  # reloaded once the run ended
            page.wait_for_selector("text=kodik-full-sync #1")
            assert "Succeeded" in page.text_content("#kodik-history ~ .table-wrap, section:has(#kodik-history)")
        finally:
            browser.close()

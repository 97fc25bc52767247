"""Admin → Kodik in a real browser: "Full sync now" shows a live progress bar that moves
without a reload, then the finished run appears in the history."""
from __future__ import annotations

import pytest

from anihome.db import close_all
from tests.support.kodik import Fault, FaultyKodik
from tests.conftest import make_app, make_user
from tests.support.web import wait_for_js


@pytest.fixture
def fake():
    with FaultyKodik(items=400, seed=7) as server:
        yield server


@pytest.fixture
def app(tmp_path, fake):
    """The test app, syncing from the fake Kodik (overrides the shared ``app``)."""
    app = make_app(tmp_path, KODIK_URL=fake.base_url, KODIK_TOKEN=fake.token, KODIK_MAX_RPS=0,
                   API_RATE_LIMIT=100000)
    yield app
    close_all(app.extensions["anihome.db"])


def test_the_progress_bar_moves_without_a_reload_and_the_run_lands_in_history(app, fake, live_server, page,
                                                                               browser_sign_in):
    browser_sign_in(page, make_user(app, "owner", "owner"))
    fake.set_faults(Fault("slow", count=None, seconds=0.6, path="/list"))
    page.goto(f"{live_server}/admin/kodik/")
    page.click("button[name=mode][value=full]")
    page.wait_for_url(f"{live_server}/admin/kodik/#kodik-status")  # "Sync now" lands on the live progress
    page.evaluate("window.__sameDocument = true")
    wait_for_js(page, "Number(document.querySelector('[data-kodik-done]').textContent) > 0 && window.__sameDocument",
                timeout=20000)
    assert page.is_visible("[data-kodik-live]")
    assert int(page.get_attribute("[data-kodik-bar]", "aria-valuenow")) > 0
    assert float(page.text_content("[data-kodik-rate]")) > 0
    fake.clear_faults()
    wait_for_js(page, "!window.__sameDocument", timeout=30000)  # reloaded once the run ended
    page.wait_for_selector("text=kodik-full-sync #1")
    assert "Succeeded" in page.text_content("section:has(#kodik-history)")

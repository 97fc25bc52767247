"""In a real browser: "Run now" opens the run page, which shows live progress and the end result."""
from __future__ import annotations

import pytest
from tests.support.web import wait_for_js


@pytest.fixture
def browser_page(page, people, browser_sign_in):
    """The shared chromium page, signed in as the admin."""
    browser_sign_in(page, people["admin"])
    return page


def test_run_now_shows_live_progress_then_the_result(app, sample_jobs, gate, live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server}/admin/jobs/")
    page.click('tr[data-job="held"] button[type=submit]')

    page.wait_for_url("**/admin/jobs/runs/*")
    assert gate.entered.wait(5)
    wait_for_js(page, "document.querySelector('[data-run-progress-text]').textContent.includes('halfway')")
    assert page.get_attribute("[data-run-progress]", "aria-valuenow") == "50"
    assert page.inner_text("[data-run-status]") == "Running"

    gate.release.set()
    page.wait_for_selector("text=Run again")
    assert page.inner_text("[data-run-status]") == "Succeeded"
    assert "items: 7" in page.inner_text("[data-run-counts]")


def test_the_run_page_says_progress_and_counters_in_russian_while_the_run_goes(
        app, sample_jobs, gate, live_server, browser_page):
    page = browser_page
    page.context.add_cookies([{"name": "lang", "value": "ru", "url": live_server}])
    gate.text = "member 1 of 2"  # a real job's progress template (analytics roll-up)
    page.goto(f"{live_server}/admin/jobs/")
    page.click('tr[data-job="held"] button[type=submit]')

    page.wait_for_url("**/admin/jobs/runs/*")
    assert gate.entered.wait(5)
    wait_for_js(page, "document.querySelector('[data-run-progress-text]').textContent === 'участник 1 из 2'")
    wait_for_js(page, "document.querySelector('[data-run-counts]').textContent.includes('записи: 3')")

    gate.release.set()
    page.wait_for_selector("text=Запустить ещё раз")
    assert "записи: 7" in page.inner_text("[data-run-counts]")
    assert page.inner_text("[data-run-status]") == "Успешно"

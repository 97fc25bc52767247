"""A real browser on the dashboard and the statistics page at phone (390 px) and desktop
(1280 px) widths: nothing overflows sideways, the SVG charts are drawn and labelled."""
import pytest

SHOTS = None  # set to a folder path to keep screenshots while working on the pages


@pytest.mark.parametrize("width", [390, 1280])
def test_dashboard_fits_and_draws_its_charts(built, live_server, page, browser_sign_in, width):
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, built.owner)
    page.goto(live_server + "/admin/analytics/?from=2026-11-01&to=2026-11-20")
    assert page.locator("svg.chart").count() == 2
    assert page.locator("svg.chart").first.bounding_box()["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("#top").inner_text().count("Атака титанов") == 1
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dashboard-{width}.png", full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_stats_page_fits_and_draws_the_heatmap(built, live_server, page, browser_sign_in, width):
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, built.kid)
    page.context.add_cookies([{"name": "lang", "value": "ru", "url": live_server}])
    page.goto(live_server + "/me/stats")
    assert page.locator("h1").inner_text() == "Моя статистика"
    heat = page.locator("svg.chart-heat")
    assert heat.locator("rect").count() == 7 * 24
    assert heat.bounding_box()["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/stats-{width}.png", full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_report_asked_for_in_the_browser_shows_progress_then_downloads(
        built, live_server, page, browser_sign_in, width):
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, built.owner)
    page.goto(live_server + "/admin/analytics/?from=2026-11-01&to=2026-11-20")
    page.locator("#dubs").locator("xpath=ancestor::section").get_by_role("link", name="PDF").click()
    assert page.locator("select[name=name]").input_value() == "dubs"
    assert page.locator("select[name=format]").input_value() == "pdf"
    assert page.locator("input[name=from]").input_value() == "2026-11-01"
    page.get_by_role("button", name="Make the report").click()
    ready = page.locator("#reports tr[data-status=done]")
    ready.wait_for(timeout=60_000)  # the list refreshes itself while the job works
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_download() as download:
        ready.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename.startswith("anihome-dubs-")
    assert open(download.value.path(), "rb").read(4) == b"%PDF"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/reports-{width}.png", full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_stats_page_from_the_fast_path_looks_the_same_and_its_form_works(
        app, built, live_server, page, browser_sign_in, width):
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, built.alice)
    fast = app.extensions["anihome.fast_pages"]
    page.goto(live_server + "/me/stats")
    first = page.locator("main").inner_text()
    before = fast.hits
    for _ in range(3):  # stored, then the re-signed cookie verified, then answered ahead of Flask
        page.reload()
    assert fast.hits > before
    assert page.locator("main").inner_text() == first
    assert page.locator("svg.chart-heat rect").count() == 7 * 24
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Share my statistics with the household").click()
    page.get_by_role("button", name="Stop sharing").wait_for()
    assert "Your statistics are shared with the household." in page.locator("main").inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/stats-fast-{width}.png", full_page=True)

"""In a real browser: first-run setup, an invite link opened in a second browser, sign-out."""
import shutil
import threading

import pytest

from tests.conftest import make_app

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="chromium not installed")


@pytest.fixture
def server(tmp_path):
    from waitress.server import create_server

    app = make_app(tmp_path)
    srv = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.effective_port}"
    srv.close()
    thread.join(5)
    app.extensions["anihome.db"].close()


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_owner_sets_up_invites_a_member_who_joins_and_signs_out(server, browser):
    owner = browser.new_page(viewport={"width": 390, "height": 844})
    owner.goto(server + "/")
    assert owner.url.endswith("/setup")
    owner.fill("#username", "Хозяйка")
    owner.fill("#password", "owner-pass-1")
    owner.fill("#password_repeat", "owner-pass-1")
    _submit(owner, "main button[type=submit]")
    assert owner.url == server + "/"
    assert "Хозяйка" in owner.inner_text(".flashes")

    owner.goto(server + "/admin/members/")
    owner.click("#invite summary")
    owner.select_option("#invite_role", "moderator")
    owner.fill("#invite_age_cap", "16")
    _submit(owner, "#invite button[type=submit]")
    link = owner.inner_text("#invite-link")
    assert link.startswith(server + "/invite/")

    guest = browser.new_context().new_page()
    guest.goto(link)
    assert "Moderator" in guest.inner_text("main")
    guest.fill("#username", "Маша")
    guest.fill("#password", "masha-pass-1")
    guest.fill("#password_repeat", "masha-pass-1")
    _submit(guest, "main button[type=submit]")
    assert guest.url == server + "/"
    assert "Маша" in guest.inner_text(".topbar")

    _submit(guest, "form[action='/logout'] button")
    assert "/login" in guest.url
    guest.goto(link)
    assert "already been used" in guest.inner_text("main")

    owner.goto(server + "/admin/members/")
    assert "Маша" in owner.inner_text("table")

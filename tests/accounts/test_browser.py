"""In a real browser: first-run setup, an invite link opened in a second browser, sign-out."""
from anihome.accounts import setup_code


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_owner_sets_up_invites_a_member_who_joins_and_signs_out(app, live_server, browser):
    owner = browser.new_page(viewport={"width": 390, "height": 844})
    owner.goto(live_server + "/")
    assert owner.url.endswith("/setup")
    owner.fill("#setup_code", setup_code.formatted(setup_code.read(app.config["DATA_DIR"])))
    owner.fill("#username", "Хозяйка")
    owner.fill("#password", "owner-pass-1")
    owner.fill("#password_repeat", "owner-pass-1")
    _submit(owner, "main button[type=submit]")
    assert owner.url == live_server + "/"
    assert "Хозяйка" in owner.inner_text(".flashes")

    owner.goto(live_server + "/admin/members/")
    owner.click("#invite summary")
    owner.select_option("#invite_role", "moderator")
    owner.fill("#invite_age_cap", "16")
    _submit(owner, "#invite button[type=submit]")
    link = owner.inner_text("#invite-link")
    assert link.startswith(live_server + "/invite/")

    guest = browser.new_context().new_page()
    guest.goto(link)
    assert "Moderator" in guest.inner_text("main")
    guest.fill("#username", "Маша")
    guest.fill("#password", "masha-pass-1")
    guest.fill("#password_repeat", "masha-pass-1")
    _submit(guest, "main button[type=submit]")
    assert guest.url == live_server + "/"
    assert "Маша" in guest.inner_text(".topbar")

    _submit(guest, "form[action='/logout'] button")
    assert "/login" in guest.url
    guest.goto(link)
    assert "already been used" in guest.inner_text("main")

    owner.goto(live_server + "/admin/members/")
    assert "Маша" in owner.inner_text("table")

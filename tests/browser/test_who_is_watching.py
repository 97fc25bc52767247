"""Who's watching? in a real chromium, keyboard only: the owner marks the TV as a household
screen, a kid's profile opens without a PIN, and the owner comes back with their PIN; on a
phone the picker fits the screen, in TV mode the arrow keys walk the profiles."""
from __future__ import annotations

from anihome.accounts.pins import EXTENSION_KEY, PinThrottle
from tests.conftest import make_user
from tests.support.web import sign_in_as


def _pin(app, user, pin):
    from anihome.accounts.passwords import hash_password
    from anihome.models import User

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        User.update(pin_hash=hash_password(pin)).where(User.id == user.id).execute()


def _tab_to(page, name, limit=60):
    """Press Tab until the focused element's text contains ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if name in page.evaluate("document.activeElement.innerText || document.activeElement.value || ''"):
            return
    raise AssertionError(f"never reached {name!r} with Tab")


def test_a_household_screen_switches_profiles_from_the_keyboard(app, live_server, page, browser_sign_in):
    app.extensions[EXTENSION_KEY] = PinThrottle()
    owner = make_user(app, "owner", "owner")
    make_user(app, "Маша", "member", age_cap=10)
    _pin(app, owner, "2468")
    browser_sign_in(page, owner)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/account/")
    _tab_to(page, "Remember this device as a household screen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/account/#screens")
    assert page.locator("#screens .badge", has_text="This device is a household screen").is_visible()

    page.goto(live_server + "/who")
    _tab_to(page, "Маша")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/")
    assert page.locator(".user-link").inner_text() == "Маша"
    assert page.locator(".flash", has_text="Hello, Маша!").is_visible()

    page.locator(".who-link").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/who")
    _tab_to(page, "owner")
    page.keyboard.press("Enter")
    page.wait_for_url("**/who/*")
    assert page.evaluate("document.activeElement.id") == "pin"  # the PIN pad has the focus
    page.keyboard.type("1111")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == "Wrong PIN."
    assert page.locator(".user-link").inner_text() == "Маша"
    page.keyboard.type("2468")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/")
    assert page.locator(".user-link").inner_text() == "owner"


def test_the_picker_fits_a_phone_and_tv_mode_moves_between_profiles_with_arrows(app, live_server, page):
    owner = make_user(app, "owner", "owner")
    for name in ("Аня", "Боря", "Вика", "Гоша"):
        make_user(app, name, "member", age_cap=12)
    from anihome.accounts import screens

    with app.test_request_context(), app.extensions["anihome.db"].connection_context():
        token = screens.register(owner, "test")
    sign_in_as(app.test_client(), owner)
    page.context.add_cookies([{"name": "anihome_screen", "value": token, "url": live_server},
                              {"name": "lang", "value": "ru", "url": live_server}])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/who")
    assert page.locator("h1").inner_text() == "Кто смотрит?"
    assert page.locator(".who-profile").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.context.add_cookies([{"name": "tv", "value": "on", "url": live_server}])
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server + "/who")
    first = page.locator("button.who-profile").first
    first.focus()
    start = first.inner_text()
    page.keyboard.press("ArrowRight")
    moved = page.evaluate("document.activeElement.innerText")
    assert moved != start and "who-profile" in page.evaluate("document.activeElement.className")

"""Who's watching? Household screens and profile PINs: the throttle, and who may switch to whom."""
from __future__ import annotations

import pytest

from anihome.accounts import session_records
from anihome.accounts.pins import (EXTENSION_KEY as PIN_KEY, FREE_FAILURES, MEMBER_LIMIT, SCREEN_LIMIT,
                                   PinThrottle, PinThrottled, check_pin)
from anihome.errors import AppError
from anihome.models import HouseholdScreen, User

from .conftest import PASSWORD, csrf_token, make_user, post_form, query, signed_in_client

COOKIE = "anihome_screen"


# --- the PIN throttle ----------------------------------------------------------------------

def test_pin_throttle_gives_free_tries_then_growing_delays_per_member_and_screen(clock):
    throttle = PinThrottle(clock=clock)
    for _ in range(FREE_FAILURES - 1):
        throttle.record_failure(7, 1)
        assert throttle.retry_after(7, 1) == 0
    throttle.record_failure(7, 1)
    assert throttle.retry_after(7, 1) == 1
    throttle.record_failure(7, 1)
    assert throttle.retry_after(7, 1) == 2
    assert throttle.retry_after(7, 2) == 0, "another screen is not slowed by this pair"
    assert throttle.retry_after(8, 1) == 0, "another member on this screen is not slowed"


def test_pin_throttle_caps_failures_per_member_across_screens(clock):
    throttle = PinThrottle(clock=clock)
    for screen in range(MEMBER_LIMIT):  # one try per screen: no pair ever reaches its delay
        throttle.record_failure(7, 100 + screen)
    assert throttle.retry_after(7, 999) > 60
    assert throttle.retry_after(8, 999) == 0
    clock.advance(15 * 60 + 1)
    assert throttle.retry_after(7, 999) == 0


def test_pin_throttle_caps_failures_per_screen_across_members(clock):
    throttle = PinThrottle(clock=clock)
    for member in range(SCREEN_LIMIT):
        throttle.record_failure(100 + member, 1)
    assert throttle.retry_after(999, 1) > 60
    assert throttle.retry_after(999, 2) == 0


def test_a_right_pin_forgets_the_pairs_delay_but_not_the_members_count(clock):
    throttle = PinThrottle(clock=clock)
    for _ in range(FREE_FAILURES + 1):
        throttle.record_failure(7, 1)
    clock.advance(10)
    throttle.record_success(7, 1)
    assert throttle.retry_after(7, 1) == 0
    for _ in range(MEMBER_LIMIT - FREE_FAILURES - 1):
        throttle.record_failure(7, 2 + _)
    assert throttle.retry_after(7, 50) > 0


def test_check_pin_refuses_a_throttled_member_even_with_the_right_pin(app, owner, clock):
    from anihome.accounts.passwords import hash_password

    throttle = PinThrottle(clock=clock)
    owner.pin_hash = hash_password("1234")
    for _ in range(FREE_FAILURES):
        with pytest.raises(AppError) as wrong:
            check_pin(throttle, owner, 1, "0000")
        assert wrong.value.status == 401 and wrong.value.field == "pin"
    with pytest.raises(PinThrottled):
        check_pin(throttle, owner, 1, "1234")
    clock.advance(2)
    check_pin(throttle, owner, 1, "1234")


# --- screens and switching over HTTP --------------------------------------------------------

@pytest.fixture
def pins(app, clock):
    installed = PinThrottle(clock=clock)
    app.extensions[PIN_KEY] = installed
    return installed


@pytest.fixture
def kid(app, owner):
    return make_user(app, "kiddo", "member", age_cap=12)


def _screen(app, owner_client):
    """Mark the owner's browser as a household screen; returns the cookie's token."""
    response = post_form(owner_client, "/account/screen", token_from="/account/")
    assert response.status_code == 302
    cookie = owner_client.get_cookie(COOKIE)
    assert cookie is not None and cookie.http_only
    return cookie.value


def _session_key(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


def _set_pin(app, username, pin):
    client = signed_in_client(app, username)
    response = post_form(client, "/account/pin", {"pin": pin, "current_password": PASSWORD}, token_from="/account/")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def _choose(client, user, pin=None):
    data = {"pin": pin} if pin is not None else {}
    return post_form(client, f"/who/{user.id}", data, token_from="/who")


def test_switching_to_a_kid_starts_a_fresh_session_and_ends_the_owners(app, owner, kid, pins):
    client = signed_in_client(app, "owner")
    _screen(app, client)
    owner_key = _session_key(client)
    response = _choose(client, kid)
    assert response.status_code == 302
    new_key = _session_key(client)
    assert new_key and new_key != owner_key
    assert query(app, lambda: session_records.resolve(owner_key)) is None, "the owner's session is gone"
    assert query(app, lambda: session_records.resolve(new_key)).id == kid.id
    assert client.get("/admin/members/").status_code == 403
    assert "kiddo" in client.get("/account/").get_data(as_text=True)


def test_the_picker_lists_active_members_with_their_state(app, owner, kid, member, pins):
    make_user(app, "gone", "member")
    query(app, lambda: User.update(is_active=False).where(User.username == "gone").execute())
    client = signed_in_client(app, "owner")
    _screen(app, client)
    page = client.get("/who").get_data(as_text=True)
    assert "kiddo" in page and "member" in page and "gone" not in page
    assert page.count("Needs a PIN set up") == 2  # owner and member have none yet
    assert f'action="/who/{kid.id}"' in page


def test_an_adult_without_a_pin_cannot_be_chosen(app, owner, member, pins):
    client = signed_in_client(app, "owner")
    _screen(app, client)
    assert _choose(client, member).status_code == 403
    assert query(app, lambda: session_records.resolve(_session_key(client))).id == owner.id


def test_an_adult_needs_the_right_pin(app, owner, member, pins):
    _set_pin(app, "member", "4321")
    client = signed_in_client(app, "owner")
    _screen(app, client)
    owner_key = _session_key(client)
    assert _choose(client, member).status_code == 401
    assert _choose(client, member, "1111").status_code == 401
    assert _session_key(client) == owner_key
    assert _choose(client, member, "4321").status_code == 302
    assert query(app, lambda: session_records.resolve(_session_key(client))).id == member.id


def test_a_kid_can_go_back_to_the_owner_only_with_the_owners_pin(app, owner, kid, pins):
    _set_pin(app, "owner", "2468")
    client = signed_in_client(app, "owner")
    _screen(app, client)
    _choose(client, kid)
    assert _choose(client, owner).status_code == 401
    assert _choose(client, owner, "0000").status_code == 401
    assert query(app, lambda: session_records.resolve(_session_key(client))).id == kid.id
    assert _choose(client, owner, "2468").status_code == 302
    assert query(app, lambda: session_records.resolve(_session_key(client))).id == owner.id


def test_a_kid_who_set_a_pin_needs_it(app, owner, kid, pins):
    _set_pin(app, "kiddo", "1357")
    client = signed_in_client(app, "owner")
    _screen(app, client)
    assert _choose(client, kid).status_code == 401
    assert _choose(client, kid, "1357").status_code == 302


def test_wrong_pins_are_throttled_with_retry_after(app, owner, member, pins):
    _set_pin(app, "member", "4321")
    client = signed_in_client(app, "owner")
    _screen(app, client)
    for _ in range(FREE_FAILURES):
        assert _choose(client, member, "0000").status_code == 401
    response = _choose(client, member, "4321")
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"


def test_a_device_that_is_not_a_screen_cannot_switch(app, owner, kid, pins):
    client = signed_in_client(app, "owner")
    page = client.get("/who").get_data(as_text=True)
    assert "not a household screen" in page and "kiddo" not in page
    assert _choose(client, kid).status_code == 403
    anonymous = app.test_client()
    assert _choose(anonymous, kid).status_code == 403


def test_a_copied_screen_cookie_works_until_the_owner_removes_the_screen(app, owner, kid, pins):
    owner_client = signed_in_client(app, "owner")
    token = _screen(app, owner_client)
    tv = app.test_client()
    tv.set_cookie(COOKIE, token)
    assert "kiddo" in tv.get("/who").get_data(as_text=True)
    screen_id = query(app, lambda: HouseholdScreen.get().id)
    assert f"/account/screens/{screen_id}/revoke" in owner_client.get("/account/").get_data(as_text=True)
    assert post_form(owner_client, f"/account/screens/{screen_id}/revoke", token_from="/account/").status_code == 302
    assert _choose(tv, kid).status_code == 403
    assert query(app, lambda: HouseholdScreen.select().count()) == 0


def test_removing_a_screen_signs_out_whoever_chose_their_profile_on_it_and_nobody_else(app, owner, kid, pins):
    token = _screen(app, signed_in_client(app, "owner"))
    tv = app.test_client()
    tv.set_cookie(COOKIE, token)
    assert _choose(tv, kid).status_code == 302
    tv_key = _session_key(tv)
    assert "kiddo" in tv.get("/account/").get_data(as_text=True)
    kid_elsewhere = signed_in_client(app, "kiddo")          # the kid's own tablet, signed in by password
    owner_client = signed_in_client(app, "owner")
    screen_id = query(app, lambda: HouseholdScreen.get().id)
    assert post_form(owner_client, f"/account/screens/{screen_id}/revoke", token_from="/account/").status_code == 302
    assert query(app, lambda: session_records.resolve(tv_key)) is None
    assert tv.get("/account/").status_code == 302, "the TV is signed out at once (no cached sign-in)"
    assert kid_elsewhere.get("/account/").status_code == 200
    assert owner_client.get("/account/").status_code == 200


def test_only_the_owner_marks_or_removes_screens(app, owner, member, pins):
    owner_client = signed_in_client(app, "owner")
    _screen(app, owner_client)
    screen_id = query(app, lambda: HouseholdScreen.get().id)
    client = signed_in_client(app, "member")
    assert post_form(client, "/account/screen", token_from="/account/").status_code == 403
    assert post_form(client, f"/account/screens/{screen_id}/revoke", token_from="/account/").status_code == 403
    assert query(app, lambda: HouseholdScreen.select().count()) == 1
    assert "Household screens" not in client.get("/account/").get_data(as_text=True)


def test_signing_out_on_a_screen_goes_back_to_the_picker(app, owner, pins):
    client = signed_in_client(app, "owner")
    _screen(app, client)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account/")})
    assert response.headers["Location"].endswith("/who")


# --- setting a PIN ---------------------------------------------------------------------------

def test_setting_a_pin_needs_the_password_and_stores_only_a_hash(app, owner, member, throttle):
    client = signed_in_client(app, "member")
    wrong = post_form(client, "/account/pin", {"pin": "1234", "current_password": "nope"}, token_from="/account/")
    assert wrong.status_code == 400 and "The current password is wrong." in wrong.get_data(as_text=True)
    assert query(app, lambda: User.get(User.username == "member").pin_hash) is None
    bad = post_form(client, "/account/pin", {"pin": "12a4", "current_password": PASSWORD}, token_from="/account/")
    assert bad.status_code == 400 and "exactly 4 digits" in bad.get_data(as_text=True)
    assert query(app, lambda: User.get(User.username == "member").pin_hash) is None
    good = post_form(client, "/account/pin", {"pin": "1234", "current_password": PASSWORD}, token_from="/account/")
    assert good.status_code == 302
    stored = query(app, lambda: User.get(User.username == "member").pin_hash)
    assert stored and "1234" not in stored and stored.startswith("scrypt:")
    cleared = post_form(client, "/account/pin/clear", {"current_password": PASSWORD}, token_from="/account/")
    assert cleared.status_code == 302
    assert query(app, lambda: User.get(User.username == "member").pin_hash) is None


def test_wrong_passwords_on_the_pin_form_count_as_failed_sign_ins(app, owner, member, throttle):
    client = signed_in_client(app, "member")
    limit = app.config["LOGIN_ACCOUNT_LIMIT"]
    for _ in range(limit):
        post_form(client, "/account/pin", {"pin": "1234", "current_password": "nope"}, token_from="/account/")
    response = post_form(client, "/account/pin", {"pin": "1234", "current_password": PASSWORD}, token_from="/account/")
    assert response.status_code == 429
    assert query(app, lambda: User.get(User.username == "member").pin_hash) is None


def test_an_admin_removes_a_forgotten_pin_and_the_kid_opens_without_one_again(app, owner, kid, member, pins):
    _set_pin(app, "kiddo", "1357")
    client = signed_in_client(app, "owner")
    _screen(app, client)
    assert _choose(client, kid).status_code == 401
    admin = signed_in_client(app, "owner")
    page = admin.get(f"/admin/members/{kid.id}").get_data(as_text=True)
    assert "Remove PIN" in page
    response = post_form(admin, f"/admin/members/{kid.id}/pin/remove", token_from=f"/admin/members/{kid.id}")
    assert response.status_code == 302
    assert query(app, lambda: User.get_by_id(kid.id).pin_hash) is None
    assert "Remove PIN" not in admin.get(f"/admin/members/{kid.id}").get_data(as_text=True)
    assert _choose(client, kid).status_code == 302


def test_a_plain_member_cannot_remove_anyones_pin(app, owner, member, pins):
    _set_pin(app, "owner", "2468")
    client = signed_in_client(app, "member")
    response = post_form(client, f"/admin/members/{owner.id}/pin/remove", token_from="/account/")
    assert response.status_code == 403
    assert query(app, lambda: User.get_by_id(owner.id).pin_hash) is not None

"""Server-side sessions: sign-out, "sign out everywhere", password changes and disabling end
sessions for good, copied cookies included; the account page lists devices."""
from datetime import timedelta

from anihome.accounts import session_records, tokens
from anihome.clock import utcnow
from anihome.models import ApiToken, User, UserSession

from tests.conftest import make_app, make_user

from .conftest import PASSWORD, csrf_token, post_form, query, sign_in, signed_in_client

NEW = {"current_password": PASSWORD, "new_password": "brand-new-pass", "new_password_repeat": "brand-new-pass"}
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/126.0 Mobile Safari/537.36")


def _copy_cookies(app, source, names=("anihome_session", "remember_token")):
    """A second browser holding copies of ``source``'s cookies (a stolen cookie)."""
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def _logout(client):
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/account/")})


def _new_token(app, username):
    return query(app, lambda: tokens.create(User.get(User.username == username), "media app")[0])


def _api_works(app, plaintext):
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 200


def test_a_copied_session_cookie_stops_working_after_sign_out(app, member):
    browser = signed_in_client(app, "member")
    thief = _copy_cookies(app, browser)
    assert thief.get("/account/").status_code == 200
    assert _logout(browser).status_code == 302
    assert thief.get("/account/").status_code == 302


def test_a_copied_remember_me_cookie_stops_working_after_sign_out(app, member):
    browser = app.test_client()
    assert sign_in(browser, "member", remember="1").status_code == 302
    thief = _copy_cookies(app, browser, names=("remember_token",))
    assert thief.get("/account/").status_code == 200  # the remember cookie alone signs in
    _logout(browser)
    assert _copy_cookies(app, browser, names=("remember_token",)).get("/account/").status_code == 302
    thief.delete_cookie("anihome_session")
    assert thief.get("/account/").status_code == 302


def test_re_enabling_a_member_does_not_revive_old_sessions(app, owner, member):
    member_browser = signed_in_client(app, "member")
    remembered = app.test_client()
    sign_in(remembered, "member", remember="1")
    owner_browser = signed_in_client(app, "owner")
    for active in ("0", "1"):
        post_form(owner_browser, f"/admin/members/{member.id}/active", {"active": active}, token_from="/")
    assert member_browser.get("/account/").status_code == 302
    assert _copy_cookies(app, remembered, names=("remember_token",)).get("/account/").status_code == 302
    assert sign_in(app.test_client(), "member").status_code == 302


def test_sign_out_everywhere_else_keeps_only_this_browser(app, member):
    laptop, phone, tv = (signed_in_client(app, "member") for _ in range(3))
    response = post_form(laptop, "/account/sessions/revoke-others", token_from="/account/")
    assert response.status_code == 302
    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302 and tv.get("/account/").status_code == 302
    assert query(app, lambda: UserSession.select().count()) == 1


def test_the_account_page_lists_devices_and_signs_one_out(app, member):
    laptop, phone = app.test_client(), app.test_client()
    laptop.environ_base["HTTP_USER_AGENT"], phone.environ_base["HTTP_USER_AGENT"] = FIREFOX, ANDROID
    phone.environ_base["REMOTE_ADDR"] = "192.168.1.23"
    sign_in(laptop, "member"), sign_in(phone, "member")
    page = laptop.get("/account/").get_data(as_text=True)
    assert "Firefox on Linux" in page and "Chrome on Android" in page and "192.168.1.23" in page
    assert page.count("This device") == 1
    phone_id = query(app, lambda: UserSession.get(UserSession.address == "192.168.1.23").id)
    assert post_form(laptop, f"/account/sessions/{phone_id}/revoke", token_from="/account/").status_code == 302
    assert phone.get("/account/").status_code == 302
    assert "Chrome on Android" not in laptop.get("/account/").get_data(as_text=True)


def test_a_member_cannot_sign_out_someone_elses_device(app, owner, member):
    signed_in_client(app, "owner")
    owners_session = query(app, lambda: UserSession.get().id)
    browser = signed_in_client(app, "member")
    assert post_form(browser, f"/account/sessions/{owners_session}/revoke", token_from="/account/").status_code == 404
    assert query(app, lambda: UserSession.select().where(UserSession.id == owners_session).exists())


def test_an_owner_password_reset_ends_the_members_sessions_and_api_tokens(app, owner, member):
    member_browser = signed_in_client(app, "member")
    plaintext = _new_token(app, "member")
    assert _api_works(app, plaintext)
    owner_browser = signed_in_client(app, "owner")
    response = post_form(owner_browser, f"/admin/members/{member.id}/password",
                         {"password": "reset-by-owner", "password_repeat": "reset-by-owner"}, token_from="/")
    assert response.status_code == 302
    assert member_browser.get("/account/").status_code == 302
    assert not _api_works(app, plaintext)


def test_an_own_password_change_keeps_api_tokens_when_the_member_asks(app, member):
    plaintext = _new_token(app, "member")
    browser = signed_in_client(app, "member")
    post_form(browser, "/account/password", {**NEW, "keep_tokens": "1"}, token_from="/account/")
    assert _api_works(app, plaintext)


def test_an_own_password_change_revokes_api_tokens_unless_kept(app, member):
    plaintext = _new_token(app, "member")
    browser = signed_in_client(app, "member")
    assert post_form(browser, "/account/password", NEW, token_from="/account/").status_code == 302
    assert browser.get("/account/").status_code == 200
    assert not _api_works(app, plaintext)
    assert query(app, lambda: ApiToken.select().where(ApiToken.revoked_at.is_null()).count()) == 0


def test_the_password_form_asks_whether_to_keep_api_tokens(app, member):
    page = signed_in_client(app, "member").get("/account/").get_data(as_text=True)
    assert 'name="keep_tokens"' in page


def test_the_remember_me_cookie_is_secure_when_the_session_cookie_is(tmp_path):
    app = make_app(tmp_path, SESSION_COOKIE_SECURE=True)
    make_user(app, "owner", "owner")
    browser = app.test_client()
    response = sign_in(browser, "owner", remember="1")
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "Secure" in remember[0] and "HttpOnly" in remember[0]
    assert all("Secure" in c for c in cookies if c.startswith("anihome_session="))


def test_sessions_expire_after_31_days_or_a_year_when_remembered(app, member, db):
    user = User.get(User.username == "member")
    started = utcnow()
    short = session_records.start(user, remember=False, now=started)
    long = session_records.start(user, remember=True, now=started)
    later = started + timedelta(days=31, seconds=1)
    assert session_records.resolve(short, now=later) is None
    assert session_records.resolve(long, now=later).id == user.id
    assert session_records.resolve(long, now=started + timedelta(days=366)) is None


def test_cookies_carry_a_random_key_and_the_database_only_its_hash(app, member, db):
    user = User.get(User.username == "member")
    key = session_records.start(user)
    stored = UserSession.get()
    assert len(key) >= 40 and not key.startswith(f"{user.id}:")
    assert key not in stored.key_hash and stored.key_hash == session_records.hash_key(key)


def test_devices_are_named_from_their_user_agent():
    describe = session_records.describe_device
    assert describe(FIREFOX) == ("Firefox", "Linux")
    assert describe(ANDROID) == ("Chrome", "Android")
    assert describe("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1") == ("Safari", "iPhone")
    assert describe("curl/8.5") == (None, None)

"""Sign in and sign out: generic errors, disabled accounts, safe redirects, CSRF."""
import pytest

from anihome.models import User

from .conftest import PASSWORD, csrf_token, post_form, query, sign_in


def test_signing_in_goes_home_and_records_the_time(app, client, member):
    response = sign_in(client, "member")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert query(app, lambda: User.get(User.id == member.id).last_login_at) is not None


def test_usernames_are_case_insensitive_at_sign_in(client, member):
    assert sign_in(client, "MeMbEr").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_error(app, client, member):
    wrong = sign_in(client, "member", "not-the-password")
    unknown = sign_in(client, "nobody-here", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 401
        body = response.get_data(as_text=True)
        assert "Wrong username or password, or the account is disabled." in body
        assert 'name="password"' in body
    assert query(app, lambda: User.get(User.id == member.id).last_login_at) is None
    assert client.get("/").status_code == 302


def test_the_failed_form_keeps_the_username_but_never_the_password(client, member):
    body = sign_in(client, "member", "typo-password").get_data(as_text=True)
    assert 'value="member"' in body
    assert "typo-password" not in body


def test_a_disabled_account_gets_the_wrong_password_answer_even_with_the_right_password(app, client, member):
    query(app, lambda: User.update(is_active=False).where(User.id == member.id).execute())
    right = sign_in(client, "member")
    wrong = sign_in(client, "member", "not-the-password")
    assert right.status_code == wrong.status_code == 401
    for response in (right, wrong):
        assert "Wrong username or password, or the account is disabled." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_local_next_path_is_honoured(client, member):
    response = sign_in(client, "member", next="/account/?tab=1")
    assert response.headers["Location"] == "/account/?tab=1"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
    "http:/evil.example", "/\r\nSet-Cookie:x", " /account/", "/\t/evil.example",
])
def test_next_never_leaves_the_site(client, member, target):
    response = sign_in(client, "member", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_anonymous_visits_remember_where_they_were_going(client, member):
    response = client.get("/account/?x=1")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    login_page = client.get(response.headers["Location"])
    assert 'name="next" value="/account/?x=1"' in login_page.get_data(as_text=True)


def test_the_login_page_sends_signed_in_members_on(client, member):
    sign_in(client, "member")
    assert client.get("/login").status_code == 302


def test_sign_out_ends_the_session(client, member):
    sign_in(client, "member")
    token = csrf_token(client, "/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_sign_out_without_csrf_token_is_refused(client, member):
    sign_in(client, "member")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_sign_out_is_post_only(client, member):
    sign_in(client, "member")
    assert client.get("/logout").status_code == 405


def test_sign_in_without_csrf_token_is_refused(app, client, member):
    client.get("/login")
    response = client.post("/login", data={"username": "member", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302
    assert query(app, lambda: User.get(User.id == member.id).last_login_at) is None


def test_remember_me_sets_a_long_lived_cookie(client, member):
    response = sign_in(client, "member", remember="1")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") and "HttpOnly" in c for c in cookies)


def test_session_cookie_is_httponly_and_samesite_lax(client, member):
    response = sign_in(client, "member")
    session_cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("anihome_session=")]
    assert session_cookie and "HttpOnly" in session_cookie[0] and "SameSite=Lax" in session_cookie[0]


def test_post_form_helper_works_for_a_signed_in_client(app, client, owner):
    sign_in(client, "owner")
    response = post_form(client, "/admin/members/", {"username": "helper", "password": PASSWORD,
                                                    "role": "member"})
    assert response.status_code == 302

"""The member's account page: password change ends other sessions; language preference."""
from anihome.models import User

from .conftest import PASSWORD, csrf_token, post_form, query, sign_in, signed_in_client

NEW = {"current_password": PASSWORD, "new_password": "brand-new-pass", "new_password_repeat": "brand-new-pass"}


def test_account_page_shows_the_member_and_the_forms(app, member):
    body = signed_in_client(app, "member").get("/account/").get_data(as_text=True)
    assert "member" in body and 'name="current_password"' in body and 'name="language"' in body


def test_changing_the_password_signs_out_other_sessions_but_not_this_one(app, member):
    laptop = signed_in_client(app, "member")
    phone = signed_in_client(app, "member", )
    response = post_form(laptop, "/account/password", NEW, token_from="/account/")
    assert response.status_code == 302
    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302
    assert sign_in(app.test_client(), "member", PASSWORD).status_code == 401
    assert sign_in(app.test_client(), "member", "brand-new-pass").status_code == 302


def test_a_remembered_device_is_forgotten_after_a_password_change(app, member):
    remembered = app.test_client()
    sign_in(remembered, "member", remember="1")
    with remembered.session_transaction() as session:  # the browser was closed: session gone
        session.clear()
    assert remembered.get("/account/").status_code == 200  # back in through the remember cookie
    with remembered.session_transaction() as session:
        session.clear()
    post_form(signed_in_client(app, "member"), "/account/password", NEW, token_from="/account/")
    assert remembered.get("/account/").status_code == 302


def test_a_wrong_current_password_changes_nothing(app, member):
    client = signed_in_client(app, "member")
    before = query(app, lambda: User.get_by_id(member.id).password_hash)
    response = post_form(client, "/account/password", {**NEW, "current_password": "guess-guess"},
                         token_from="/account/")
    assert response.status_code == 400
    assert "The current password is wrong." in response.get_data(as_text=True)
    assert query(app, lambda: User.get_by_id(member.id).password_hash) == before


def test_mismatched_or_weak_new_passwords_are_form_errors(app, member):
    client = signed_in_client(app, "member")
    mismatch = post_form(client, "/account/password", {**NEW, "new_password_repeat": "other-pass-1"},
                         token_from="/account/")
    weak = post_form(client, "/account/password",
                     {**NEW, "new_password": "short", "new_password_repeat": "short"}, token_from="/account/")
    assert mismatch.status_code == weak.status_code == 400
    assert "The two passwords differ." in mismatch.get_data(as_text=True)
    assert "at least 8 characters" in weak.get_data(as_text=True)


def test_password_change_without_csrf_token_is_refused(app, member):
    client = signed_in_client(app, "member")
    assert client.post("/account/password", data=NEW).status_code == 400
    assert sign_in(app.test_client(), "member", PASSWORD).status_code == 302


def test_choosing_a_language_is_stored_on_the_account_and_in_a_cookie(app, member):
    client = signed_in_client(app, "member")
    response = post_form(client, "/account/language", {"language": "ru", "next": "/account/"},
                         token_from="/account/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    assert any(c.startswith("lang=ru") for c in response.headers.getlist("Set-Cookie"))
    assert query(app, lambda: User.get_by_id(member.id).locale) == "ru"
    assert "Ваша учётная запись" in client.get("/account/").get_data(as_text=True)


def test_anonymous_visitors_can_switch_language_with_a_cookie(app, owner):
    client = app.test_client()
    response = post_form(client, "/account/language", {"language": "ru", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert "Войти" in client.get("/login").get_data(as_text=True)


def test_language_switch_refuses_unknown_languages_and_foreign_next(app, owner):
    client = app.test_client()
    assert post_form(client, "/account/language", {"language": "xx"}).status_code == 400
    response = post_form(client, "/account/language", {"language": "en", "next": "//evil.example"})
    assert response.headers["Location"] == "/"


def test_language_switch_needs_a_csrf_token(app, owner):
    client = app.test_client()
    csrf_token(client)
    assert client.post("/account/language", data={"language": "ru"}).status_code == 400

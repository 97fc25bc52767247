"""The API tokens page: create (shown once), list, revoke; only one's own tokens."""
from __future__ import annotations

import re

from anihome.accounts import tokens

from .conftest import bearer, csrf_token, in_db, new_token, sign_in

_TOKEN = re.compile(r"data-new-token>(ah_[A-Za-z0-9_-]{43})<")


def _signed_in(app, username="member"):
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def test_the_account_page_links_to_the_tokens_page(app, member):
    page = _signed_in(app).get("/account/").get_data(as_text=True)
    assert 'id="api-tokens"' in page and "/account/tokens/" in page


def test_the_tokens_page_needs_a_signed_in_member(client, member):
    response = client.get("/account/tokens/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_creating_a_token_shows_it_once_and_it_works(app, member):
    client = _signed_in(app)
    response = client.post("/account/tokens/", data={"csrf_token": csrf_token(client, "/account/tokens/"),
                                                      "label": "Kodi"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = _TOKEN.search(response.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["username"] == "member"
    listing = client.get("/account/tokens/").get_data(as_text=True)
    assert token[:10] in listing and "Kodi" in listing and token not in listing


def test_creating_a_token_without_the_csrf_token_is_refused(app, member):
    client = _signed_in(app)
    assert client.post("/account/tokens/", data={"label": "x"}).status_code == 400
    assert in_db(app, lambda: tokens.list_for_user(member)) == []


def test_a_too_long_label_shows_a_form_error_and_creates_nothing(app, member):
    client = _signed_in(app)
    response = client.post("/account/tokens/", data={"csrf_token": csrf_token(client, "/account/tokens/"),
                                                      "label": "x" * 61})
    assert response.status_code == 400 and "longer than 60" in response.get_data(as_text=True)
    assert in_db(app, lambda: tokens.list_for_user(member)) == []


def test_revoking_from_the_page_stops_the_token(app, member):
    token = new_token(app, member)
    token_id = in_db(app, lambda: tokens.find(token).id)
    client = _signed_in(app)
    response = client.post(f"/account/tokens/{token_id}/revoke",
                           data={"csrf_token": csrf_token(client, "/account/tokens/")})
    assert response.status_code == 302
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_member_cannot_revoke_or_see_another_members_token(app, member, admin):
    admin_token = new_token(app, admin, "admins secret label")
    token_id = in_db(app, lambda: tokens.find(admin_token).id)
    client = _signed_in(app)
    assert "admins secret label" not in client.get("/account/tokens/").get_data(as_text=True)
    response = client.post(f"/account/tokens/{token_id}/revoke",
                           data={"csrf_token": csrf_token(client, "/account/tokens/")})
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers=bearer(admin_token)).status_code == 200


def test_the_page_is_translated_to_russian(app, member):
    client = _signed_in(app)
    client.set_cookie("lang", "ru")
    page = client.get("/account/tokens/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Создать токен" in page

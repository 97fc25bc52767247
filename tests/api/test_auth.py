"""Who may call the API: bearer tokens, the browser session (with CSRF for writes), roles."""
from __future__ import annotations

import pytest
from flask import jsonify

from anihome.security.access import access
from anihome.accounts import tokens
from anihome.models import User

from .conftest import assert_error, bearer, in_db, new_token, sign_in


def test_me_answers_the_tokens_own_member(app, client, member, admin):
    member_token, admin_token = new_token(app, member, "kodi"), new_token(app, admin)
    body = client.get("/api/v1/me", headers=bearer(member_token)).get_json()
    assert body["id"] == member.id and body["username"] == "member" and body["role"] == "member"
    assert body["auth"] == "token" and body["token"]["label"] == "kodi"
    assert body["token"]["prefix"] == member_token[:10]
    assert set(body) >= {"age_cap", "language"}
    assert client.get("/api/v1/me", headers=bearer(admin_token)).get_json()["username"] == "admin"


def test_me_needs_a_token(client):
    response = client.get("/api/v1/me")
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer ah_" + "x" * 43, "Bearer ", "Basic dXNlcjpwYXNz",
                                    "ah_" + "x" * 43, "Bearer"])
def test_bad_credentials_get_401_with_a_bearer_challenge(client, member, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert_error(response, 401, "invalid_token")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_revoked_token_gets_401(app, client, member):
    token = new_token(app, member)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    in_db(app, lambda: tokens.revoke(tokens.find(token)))
    assert_error(client.get("/api/v1/me", headers=bearer(token)), 401, "invalid_token")


def test_a_disabled_members_token_stops_working(app, client, member):
    token = new_token(app, member)
    in_db(app, lambda: User.update(is_active=False).where(User.id == member.id).execute())
    assert_error(client.get("/api/v1/me", headers=bearer(token)), 401, "invalid_token")


def test_a_token_call_records_last_use(app, client, member):
    token = new_token(app, member)
    client.get("/api/v1/me", headers=bearer(token))
    assert in_db(app, lambda: tokens.find(token).last_used_at) is not None


def test_the_signed_in_session_can_read_the_api(client, member):
    assert sign_in(client, "member").status_code == 302
    body = client.get("/api/v1/me").get_json()
    assert body["username"] == "member" and body["auth"] == "session" and body["token"] is None


def test_session_writes_need_the_csrf_header(client, member, csrf):
    sign_in(client, "member")
    assert_error(client.post("/api/v1/tokens", json={"label": "x"}), 400, "csrf_failed")
    assert_error(client.post("/api/v1/tokens", json={"label": "x"}, headers={"X-CSRFToken": "forged"}),
                 400, "csrf_failed")
    assert client.get("/api/v1/tokens").get_json()["total"] == 0
    response = client.post("/api/v1/tokens", json={"label": "x"}, headers={"X-CSRFToken": csrf(client, "/")})
    assert response.status_code == 201


def test_bearer_writes_need_no_csrf_token(app, client, member):
    token = new_token(app, member)
    token_id = in_db(app, lambda: tokens.find(token).id)
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_bearer_header_wins_over_the_session(app, client, member, admin):
    sign_in(client, "member")
    token = new_token(app, admin)
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["username"] == "admin"
    assert_error(client.get("/api/v1/me", headers=bearer("ah_" + "0" * 43)), 401)


@pytest.fixture
def guarded_app(app):
    """The app with /api/v1/me closed to all but admins and /api/v1/health left undeclared."""
    me = app.view_functions["api.me"]

    @access("admin")
    def admins_only():
        return me()

    def undeclared():
        return jsonify({"ok": True})

    app.view_functions["api.me"] = admins_only
    app.view_functions["api.health"] = undeclared
    return app


def test_a_role_too_low_for_the_route_gets_403(guarded_app, member, admin):
    client = guarded_app.test_client()
    assert_error(client.get("/api/v1/me", headers=bearer(new_token(guarded_app, member))), 403, "forbidden")
    assert client.get("/api/v1/me", headers=bearer(new_token(guarded_app, admin))).status_code == 200
    assert_error(client.get("/api/v1/me"), 401)


def test_an_api_route_without_an_access_level_is_closed(guarded_app, owner):
    client = guarded_app.test_client()
    assert_error(client.get("/api/v1/health"), 403)
    assert_error(client.get("/api/v1/health", headers=bearer(new_token(guarded_app, owner))), 403)


def test_creating_tokens_with_a_token_is_refused(app, client, member):
    token = new_token(app, member)
    assert_error(client.post("/api/v1/tokens", json={}, headers=bearer(token)), 403)
    assert client.get("/api/v1/tokens", headers=bearer(token)).get_json()["total"] == 1


def test_a_member_cannot_revoke_another_members_token(app, client, member, admin):
    admin_token = new_token(app, admin)
    admin_token_id = in_db(app, lambda: tokens.find(admin_token).id)
    response = client.delete(f"/api/v1/tokens/{admin_token_id}", headers=bearer(new_token(app, member)))
    assert_error(response, 404, "not_found")
    assert client.get("/api/v1/me", headers=bearer(admin_token)).status_code == 200


def test_token_list_shows_only_the_callers_live_tokens(app, client, member, admin):
    token = new_token(app, member, "one")
    new_token(app, member, "two")
    new_token(app, admin, "admins")
    revoked = new_token(app, member, "gone")
    in_db(app, lambda: tokens.revoke(tokens.find(revoked)))
    body = client.get("/api/v1/tokens", headers=bearer(token)).get_json()
    assert [t["label"] for t in body["items"]] == ["two", "one"]
    assert body["total"] == 2 and body["pages"] == 1
    assert "token" not in body["items"][0] and all("hash" not in key for key in body["items"][0])

"""Authenticated tokens are cached for speed, but revoking or disabling takes effect at once."""
from anihome.accounts import tokens, users
from anihome.models import User
from tests.api.conftest import bearer, in_db, new_token


def _member(app):
    return in_db(app, lambda: User.get(User.username == "member"))


def test_a_revoked_token_stops_working_on_the_next_call_even_when_cached(make_client):
    app, client = make_client()
    plain = new_token(app, _member(app))
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 200  # from the cache
    in_db(app, lambda: tokens.revoke(tokens.authenticate(plain)))
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 401


def test_disabling_the_member_stops_a_cached_token(make_client):
    app, client = make_client()
    member = _member(app)
    plain = new_token(app, member)
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 200
    in_db(app, lambda: users.set_active(None, member.id, False))
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 401


def test_a_role_change_is_seen_by_a_cached_token(make_client):
    app, client = make_client()
    member = _member(app)
    plain = new_token(app, member)
    assert client.get("/api/v1/me", headers=bearer(plain)).get_json()["role"] == "member"
    in_db(app, lambda: users.update_member(None, member.id, role="moderator"))
    assert client.get("/api/v1/me", headers=bearer(plain)).get_json()["role"] == "moderator"

"""Every route declares an access level, and the level is enforced for anonymous and lower roles."""
import re

import pytest
from werkzeug.security import generate_password_hash

from anihome.security.access import LEVELS, level_of
from anihome.clock import utcnow
from anihome.models import User
from tests.conftest import make_app
from tests.support.web import sign_in_as

ROLE_BELOW = {"moderator": "member", "admin": "moderator", "owner": "admin"}


def _user(role):
    now = utcnow()
    return User.create(username=f"u_{role}", username_key=f"u_{role}", role=role, created_at=now,
                       password_hash=generate_password_hash("password-123", method="scrypt"))


def _url(rule):
    # Any value will do: access is decided before the view looks anything up.
    return re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "1", rule.rule)


def _method(rule):
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        if method in rule.methods:
            return method
    raise AssertionError(rule)


@pytest.fixture
def inventory_app(tmp_path):
    # every route is called in a row: the API rate limit (per address) is not what this test checks
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False, API_RATE_LIMIT=0)
    db = app.extensions["anihome.db"]
    with app.app_context(), db.connection_context():
        app.test_users = {role: _user(role).id for role in ("owner", "admin", "moderator", "member")}
    yield app
    db.close()


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_route_declares_an_access_level(app):
    undeclared = [r.rule for r in _rules(app) if level_of(app, r.endpoint) not in LEVELS]
    assert undeclared == []


def test_anonymous_requests_are_refused_on_every_non_public_route(inventory_app):
    client = inventory_app.test_client()
    for rule in _rules(inventory_app):
        level = level_of(inventory_app, rule.endpoint)
        if level == "public":
            continue
        response = client.open(_url(rule), method=_method(rule))
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, rule.rule
            assert response.get_json()["error"]["code"] == "unauthorized"
        else:
            assert response.status_code == 302, rule.rule
            assert "/login" in response.headers["Location"], rule.rule


def test_lower_roles_get_403_on_every_role_restricted_route(inventory_app):
    db = inventory_app.extensions["anihome.db"]
    checked = 0
    for rule in _rules(inventory_app):
        level = level_of(inventory_app, rule.endpoint)
        if level not in ROLE_BELOW:
            continue
        client = inventory_app.test_client()
        with inventory_app.app_context(), db.connection_context():
            sign_in_as(client, User.get_by_id(inventory_app.test_users[ROLE_BELOW[level]]))
        response = client.open(_url(rule), method=_method(rule))
        assert response.status_code == 403, rule.rule
        checked += 1
    assert checked > 0

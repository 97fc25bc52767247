"""Helpers for the API tests: tokens for members, bearer headers, the error-shape check."""
from __future__ import annotations

import pytest

from anihome.accounts import tokens
from anihome.api.ratelimit import EXTENSION as LIMITER
from tests.accounts.conftest import FakeClock  # noqa: F401  (one movable clock for tests)
from tests.conftest import PASSWORD, csrf_token, make_user, sign_in  # noqa: F401


def in_db(app, fn):
    """Run ``fn()`` inside an app context with an open connection and return its result."""
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return fn()


def new_token(app, user, label="test") -> str:
    """The plain text of a fresh token for ``user``."""
    return in_db(app, lambda: tokens.create(user, label)[0])


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    """The answer has ``status`` and the one JSON error shape; returns the error object."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) <= {"code", "message", "field"} and {"code", "message"} <= set(error)
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    if field is not None:
        assert error.get("field") == field
    return error


@pytest.fixture
def limited_app(tmp_path):
    """An app allowing 3 API calls per minute, on a fake clock."""
    from tests.conftest import make_app

    app = make_app(tmp_path, API_RATE_LIMIT=3)
    app.extensions[LIMITER].clock = FakeClock()
    yield app
    app.extensions["anihome.db"].close()


@pytest.fixture
def make_client(tmp_path):
    """``make_client(**overrides)`` -> (app, client) with an owner and a member; closed at the end."""
    from tests.conftest import make_app

    apps = []

    def build(**overrides):
        app = make_app(tmp_path, **overrides)
        apps.append(app)
        make_user(app, "owner", "owner")
        make_user(app, "member", "member")
        return app, app.test_client()

    yield build
    for app in apps:
        app.extensions["anihome.db"].close()

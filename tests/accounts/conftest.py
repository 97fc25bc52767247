"""Helpers for the accounts tests: form posts with the CSRF token, and DB access."""
from __future__ import annotations

import pytest

from anihome.accounts.throttle import EXTENSION_KEY, LoginThrottle
from tests.conftest import PASSWORD, csrf_token, make_user, sign_in  # noqa: F401


class FakeClock:
    """Seconds that only move when a test says so."""

    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def throttle(app, clock):
    """The app's login throttle, on a fake clock."""
    installed = LoginThrottle.from_config(app.config, clock=clock)
    app.extensions[EXTENSION_KEY] = installed
    return installed


def post_form(client, path, data=None, token_from="/login", **kwargs):
    """POST ``data`` to ``path`` with a CSRF token valid for ``client``."""
    payload = {"csrf_token": csrf_token(client, token_from), **(data or {})}
    return client.post(path, data=payload, **kwargs)


def query(app, fn):
    """Run ``fn()`` inside an app context with an open connection and return its result."""
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return fn()


def signed_in_client(app, username, password=PASSWORD):
    client = app.test_client()
    response = sign_in(client, username, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client

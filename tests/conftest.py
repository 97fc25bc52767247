"""Fixtures: an app per test with its own data dir and migrated SQLite file, plus members."""
from __future__ import annotations

import pytest

from anihome import create_app
from anihome.db import close_all
from anihome.startup import prepare_database


def make_app(tmp_path, **overrides):
    settings = {"DATA_DIR": str(tmp_path / "data"), "TESTING": True, "SECRET_KEY": "test-secret"}
    settings.update(overrides)
    app = create_app(settings)
    prepare_database(app)
    return app


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    yield app
    close_all(app.extensions["anihome.db"])


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    """An open connection inside an app context, for calling services directly."""
    database = app.extensions["anihome.db"]
    with app.app_context(), database.connection_context():
        yield database


# --- members and sign-in (accounts) -------------------------------------------------------
# Fixtures other areas use:
#   owner, admin, moderator, member -> a User with that role (username = the role name,
#       password = PASSWORD); ``member`` etc. imply ``owner``, so first-run setup is done.
#   login(client, username, password=PASSWORD) -> the POST /login response (302 on success);
#       the client then carries the session and its CSRF token.
#   csrf(client, path="/login") -> a CSRF token for ``client`` (scraped from a page's form);
#       post it as ``csrf_token`` (forms) or the ``X-CSRFToken`` header (fetch calls).
import re  # noqa: E402

PASSWORD = "correct horse battery"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_user(app, username, role="member", age_cap=None, password=PASSWORD):
    """Create a member through the accounts service (outside any request)."""
    from anihome.accounts.users import create_user

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return create_user(username, password, role, age_cap)


def csrf_token(client, path="/login"):
    response = client.get(path, follow_redirects=True)
    match = _CSRF_FIELD.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {path} (status {response.status_code})"
    return match.group(1)


def sign_in(client, username, password=PASSWORD, **extra):
    data = {"csrf_token": csrf_token(client), "username": username, "password": password, **extra}
    return client.post("/login", data=data)


@pytest.fixture
def owner(app):
    """The household's owner ("owner" / PASSWORD)."""
    return make_user(app, "owner", "owner")


@pytest.fixture
def admin(app, owner):
    return make_user(app, "admin", "admin")


@pytest.fixture
def moderator(app, owner):
    return make_user(app, "moderator", "moderator")


@pytest.fixture
def member(app, owner):
    """A plain member ("member" / PASSWORD) in a household whose owner exists."""
    return make_user(app, "member", "member")


@pytest.fixture
def login():
    """``login(client, username, password=PASSWORD)``: sign ``client`` in; returns the response."""
    return sign_in


@pytest.fixture
def csrf():
    """``csrf(client, path="/login")``: a CSRF token valid for ``client``'s session."""
    return csrf_token

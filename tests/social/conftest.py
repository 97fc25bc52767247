"""Social fixtures: the library's small catalog, a household of members, progress helpers."""
from __future__ import annotations

from datetime import datetime

import pytest

from anihome.library import progress
from anihome.library.episodes import resolve
from anihome.models import User
from anihome.security.login import session_id_for
from tests.library.conftest import PASSWORD_HASH, build_catalog

NOW = datetime(2026, 11, 20, 12, 0, 0)


def person(username: str, role: str = "member", age_cap: int | None = None) -> User:
    return User.create(username=username, username_key=username.lower(),
                       password_hash=PASSWORD_HASH + username, role=role, age_cap=age_cap,
                       created_at=NOW)


def watch(user, translation, season: int, number: int) -> None:
    """Mark one episode watched through the library service (as the player would)."""
    progress.save(user.id, resolve(translation_id=translation.id, season=season, number=number),
                  1400, 1440, watched=True, now=NOW)


@pytest.fixture
def cat(db):
    cat = build_catalog()
    cat.serial.age_limit = 12
    cat.serial.save()
    cat.ongoing.age_limit = 18
    cat.ongoing.save()
    return cat


@pytest.fixture
def people(db):
    class People:
        owner = person("owner", "owner")
        mod = person("mod", "moderator")
        alice = person("alice")
        bob = person("bob")
        kid = person("kid", age_cap=12)
    return People


class FreshContextClient:
    """A test client for one signed-in member among several. The ``db`` fixture holds an app
    context open, Flask reuses it for every request, and flask-login keeps the loaded user in
    its ``g``: each request here starts from a ``g`` without another member in it."""

    def __init__(self, client):
        self.client = client

    def open(self, *args, **kwargs):
        from flask import g

        for name in ("_login_user", "language", "csrf_token"):
            g.pop(name, None)
        return self.client.open(*args, **kwargs)

    def get(self, *args, **kwargs):
        return self.open(*args, method="GET", **kwargs)

    def post(self, *args, **kwargs):
        return self.open(*args, method="POST", **kwargs)


def signed_in(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id_for(user)
        session["_fresh"] = True
    return FreshContextClient(client)

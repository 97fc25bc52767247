"""Catalog fixtures: the fixture catalog (known answers), members with and without age caps,
and clients signed in as them."""
from __future__ import annotations

import pytest

from tests.support.web import sign_in_as
from tests.catalog.catalog_data import build_catalog
from tests.conftest import make_user


@pytest.fixture
def catalog(app):
    """The fixture catalog in the app's database (see catalog_data.RELEASES)."""
    database = app.extensions["anihome.db"]
    if not database.is_closed():  # inside the ``db`` fixture: reuse its connection
        return build_catalog()
    with app.app_context(), database.connection_context():
        return build_catalog()


def signed_in(app, user):
    return sign_in_as(app.test_client(), user)


@pytest.fixture
def users(app):
    """owner (no cap), teen (cap 16), kid (cap 12)."""
    return {"owner": make_user(app, "owner", "owner"),
            "teen": make_user(app, "teen", "member", age_cap=16),
            "kid": make_user(app, "kid", "member", age_cap=12)}


@pytest.fixture
def as_owner(app, users):
    return signed_in(app, users["owner"])


@pytest.fixture
def as_kid(app, users):
    return signed_in(app, users["kid"])


@pytest.fixture
def as_teen(app, users):
    return signed_in(app, users["teen"])

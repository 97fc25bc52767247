"""Fixtures: an app per test with its own data dir and migrated SQLite file, plus members."""
from __future__ import annotations

import pytest

from anihome import create_app
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
    app.extensions["anihome.db"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    """An open connection inside an app context, for calling services directly."""
    database = app.extensions["anihome.db"]
    with app.app_context(), database.connection_context():
        yield database

"""Fixtures: an app per test with its own data dir and migrated SQLite file, plus members.

With ``ANIHOME_TEST_DATABASE_URL`` set, every app gets a fresh PostgreSQL database instead
(tests/support/postgres.py); ``@pytest.mark.sqlite_only("why")`` tests are deselected then.
"""
from __future__ import annotations

import os

import pytest

from anihome import create_app
from anihome.serving.startup import prepare_database
from tests.support import postgres
from tests.support.teardown import close_app
from tests.support.web import PASSWORD, csrf_token, sign_in, sign_in_as  # noqa: F401  (PASSWORD: for other folders)


def make_app(tmp_path, **overrides):
    settings = {"DATA_DIR": str(tmp_path / "data"), "TESTING": True, "SECRET_KEY": "test-secret"}
    settings.update(overrides)
    if postgres.SERVER is not None and overrides.get("DATABASE_URL") == "":
        postgres.SERVER.keep_sqlite(settings["DATA_DIR"])  # this test compares with SQLite
    app = create_app(settings)
    prepare_database(app)
    return app


# --- PostgreSQL runs (ANIHOME_TEST_DATABASE_URL) ------------------------------------------

def pytest_configure(config):
    if postgres.SERVER is not None:
        postgres.SERVER.install()
    config.addinivalue_line("markers", "sqlite_only(reason): exercises SQLite itself; deselected on PostgreSQL")
    config.addinivalue_line("markers", "postgres_only(reason): needs a PostgreSQL server (ANIHOME_TEST_DATABASE_URL)")


_DESELECTED: list[tuple[str, str]] = []


def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    for item in items:
        sqlite_mark = item.get_closest_marker("sqlite_only")
        pg_mark = item.get_closest_marker("postgres_only")
        mark = sqlite_mark if postgres.enabled() else pg_mark
        if mark is None:
            keep.append(item)
            continue
        drop.append(item)
        _DESELECTED.append((item.nodeid, mark.args[0] if mark.args else mark.kwargs.get("reason", "")))
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter):
    if not _DESELECTED:
        return
    engine = "PostgreSQL" if postgres.enabled() else "SQLite"
    terminalreporter.section(f"deselected on {engine} ({len(_DESELECTED)})")
    reasons: dict[str, list[str]] = {}
    for nodeid, reason in _DESELECTED:
        reasons.setdefault(reason, []).append(nodeid)
    for reason, nodeids in reasons.items():
        terminalreporter.write_line(f"{len(nodeids):4d}  {reason}")
        for nodeid in nodeids:
            terminalreporter.write_line(f"        {nodeid}")


def pytest_sessionfinish(session):
    if postgres.SERVER is not None:
        postgres.SERVER.close()


@pytest.fixture(autouse=True)
def _drop_test_databases():
    """On PostgreSQL: drop the databases this test's apps used once it ends."""
    yield
    if postgres.SERVER is not None:
        postgres.SERVER.drop_made()


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    yield app
    close_app(app)


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

def make_user(app, username, role="member", age_cap=None, password=PASSWORD):
    """Create a member through the accounts service (outside any request)."""
    from anihome.accounts.users import create_user

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return create_user(username, password, role, age_cap)


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


# --- Browser tests (any area): the app served by waitress on a free port, Debian's chromium
# driven by Playwright, and signing a browser in as a member.
#
#     def test_something(app, live_server, page, browser_sign_in):
#         browser_sign_in(page, user)          # a User row
#         page.goto(live_server + "/browse")
#
# On a developer machine without Playwright or /usr/bin/chromium these tests are skipped; under
# CI (the CI environment variable, set by the CI runner) a missing browser is a failure.


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def live_server(app):
    """The test app served by waitress in a thread on 127.0.0.1 (free port); yields the base URL."""
    from tests.support.live import served

    with served(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module (closed before the next module starts)."""
    if os.environ.get("CI") and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it; the browser tests must run in CI")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test (own cookies), 10 s default timeout."""
    context = browser.new_context(locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture
def browser_sign_in(app, live_server):
    """``browser_sign_in(page, user)``: give the page's context a session cookie for ``user``."""
    def sign_in(tab, user):
        client = sign_in_as(app.test_client(), user)
        cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
        tab.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])

    return sign_in

"""First-run setup: the page creates exactly one owner for whoever has the server's setup code,
signs them in, then is gone."""
import os
import re
import stat
import threading
from pathlib import Path

import pytest
import requests

from anihome.accounts import setup_code
from anihome.models import User

from .conftest import csrf_token, post_form, query
from tests.support.live import served

GOOD = {"username": "Хозяйка", "password": "s3cret-pass", "password_repeat": "s3cret-pass"}


@pytest.fixture
def code(app):
    """The setup code the server shows (made now, as the first start would)."""
    return setup_code.formatted(setup_code.ensure(app.config["DATA_DIR"])[0])


@pytest.fixture
def good(code):
    return {**GOOD, "setup_code": code}


def test_a_new_install_sends_every_page_to_setup(client):
    for path in ("/", "/login", "/account/", "/admin/members/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/setup")


def test_setup_creates_the_owner_signs_them_in_and_goes_home(app, client, good):
    response = post_form(client, "/setup", good, token_from="/setup")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    owners = query(app, lambda: list(User.select()))
    assert [(u.username, u.username_key, u.role, u.is_active) for u in owners] == [
        ("Хозяйка", "хозяйка", "owner", True)]
    assert owners[0].password_hash.startswith("scrypt:")
    home = client.get("/")
    assert home.status_code == 200
    assert "Хозяйка" in home.get_data(as_text=True)


def test_setup_page_is_gone_once_an_owner_exists(app, client, good):
    post_form(client, "/setup", good, token_from="/setup")
    token = csrf_token(client, "/")
    assert client.get("/setup").status_code == 404
    again = client.post("/setup", data={"csrf_token": token, "username": "intruder",
                                        "password": "another-pass", "password_repeat": "another-pass"})
    assert again.status_code == 404
    assert app.test_client().get("/setup").status_code == 404
    assert query(app, lambda: [u.username for u in User.select()]) == ["Хозяйка"]


def test_setup_rejects_bad_input_and_creates_nothing(app, client, good):
    cases = [
        ({**good, "password_repeat": "different-pass"}, "The two passwords differ."),
        ({**good, "password": "short", "password_repeat": "short"}, "at least 8 characters"),
        ({**good, "username": "<b>x</b>"}, "Usernames have 3 to 40 characters"),
        ({**good, "username": "ab"}, "Usernames have 3 to 40 characters"),
    ]
    for data, message in cases:
        response = post_form(client, "/setup", data, token_from="/setup")
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True)
    assert query(app, lambda: User.select().count()) == 0
    assert client.get("/setup").status_code == 200


def test_setup_without_csrf_token_is_refused_and_creates_nothing(app, client, good):
    client.get("/setup")
    response = client.post("/setup", data=good)
    assert response.status_code == 400
    assert query(app, lambda: User.select().count()) == 0


def test_two_concurrent_setup_posts_create_exactly_one_owner(app, code):
    with served(app) as base:
        results = _race_two_setups(base, code)
    assert sorted(results) == [302, 404]
    assert query(app, lambda: User.select().where(User.role == "owner").count()) == 1


def _race_two_setups(base: str, code: str) -> list:
    """Two browsers post the setup form at the same moment; their answers' statuses."""
    sessions, tokens = [], []
    try:
        for _ in range(2):
            session = requests.Session()
            session.headers["Connection"] = "close"  # no idle keep-alive to hold the server open
            page = session.get(base + "/setup", timeout=10)
            tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1))
            sessions.append(session)
        barrier = threading.Barrier(2)
        results = [None, None]

        def race(index):
            data = {"csrf_token": tokens[index], "username": f"owner{index}", "setup_code": code,
                    "password": "s3cret-pass", "password_repeat": "s3cret-pass"}
            barrier.wait()
            with sessions[index].post(base + "/setup", data=data, timeout=20,
                                      allow_redirects=False) as response:
                results[index] = response.status_code

        racers = [threading.Thread(target=race, args=(i,)) for i in range(2)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(30)
    finally:
        for session in sessions:
            session.close()
    return results


@pytest.mark.parametrize("typed", ["", "AAAA-AAAA", None])
def test_setup_without_the_servers_code_creates_nothing(app, client, code, typed):
    data = {**GOOD} if typed is None else {**GOOD, "setup_code": typed}
    response = post_form(client, "/setup", data, token_from="/setup")
    assert response.status_code == 403
    assert "That is not the setup code." in response.get_data(as_text=True)
    assert query(app, lambda: User.select().count()) == 0


def test_the_code_may_be_typed_in_lower_case_without_the_dash(app, client, code):
    typed = code.replace("-", "").lower()
    assert post_form(client, "/setup", {**GOOD, "setup_code": typed}, token_from="/setup").status_code == 302


def test_the_code_is_deleted_once_the_owner_exists(app, client, good):
    post_form(client, "/setup", good, token_from="/setup")
    assert setup_code.read(app.config["DATA_DIR"]) is None
    assert not (Path(app.config["DATA_DIR"]) / "setup_code").exists()


def test_wrong_codes_from_one_address_are_slowed_down(app, client, code):
    statuses = [post_form(client, "/setup", {**GOOD, "setup_code": "WRONG-CODE"}, token_from="/setup").status_code
                for _ in range(app.config["LOGIN_ACCOUNT_LIMIT"] + 1)]
    assert statuses[:app.config["LOGIN_ACCOUNT_LIMIT"]] == [403] * app.config["LOGIN_ACCOUNT_LIMIT"]
    assert statuses[-1] == 429
    refused = post_form(client, "/setup", {**GOOD, "setup_code": code}, token_from="/setup")
    assert refused.status_code == 429  # even the right code waits on this address
    assert query(app, lambda: User.select().count()) == 0


def test_the_code_file_is_private(app, code):
    path = Path(app.config["DATA_DIR"]) / "setup_code"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert setup_code.normalize(path.read_text()) == setup_code.normalize(code)

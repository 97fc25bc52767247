"""``anihome token create|list|revoke``: create prints only the token, and it works."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from anihome.cli import build_cli
from tests.conftest import make_app

from .conftest import bearer, make_user


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("ANIHOME_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANIHOME_SECRET_KEY", "cli-test-secret")
    app = make_app(tmp_path)
    make_user(app, "alice", "owner")
    app.extensions["anihome.db"].close()
    return tmp_path


def run(*args):
    return CliRunner().invoke(build_cli(), list(args))


def _api(tmp_path, token):
    app = make_app(tmp_path)
    try:
        return app.test_client().get("/api/v1/me", headers=bearer(token))
    finally:
        app.extensions["anihome.db"].close()


def test_token_create_prints_only_a_token_that_authenticates(cli_env):
    result = run("token", "create", "ALICE", "--label", "kodi")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert result.stdout == token + "\n" and token.startswith("ah_") and len(token) == 46
    assert _api(cli_env, token).get_json()["username"] == "alice"


def test_token_list_shows_prefixes_and_never_the_token(cli_env):
    token = run("token", "create", "alice", "--label", "kodi").stdout.strip()
    result = run("token", "list", "alice")
    assert result.exit_code == 0
    assert token[:10] in result.output and "kodi" in result.output and token not in result.output


def test_token_revoke_by_prefix_stops_the_token(cli_env):
    token = run("token", "create", "alice").stdout.strip()
    result = run("token", "revoke", token[:10])
    assert result.exit_code == 0 and "revoked" in result.output
    assert _api(cli_env, token).status_code == 401
    assert "revoked" in run("token", "list", "alice", "--all").output


def test_token_commands_fail_clearly_on_bad_input(cli_env):
    assert "No member" in run("token", "create", "nobody").output
    assert run("token", "create", "nobody").exit_code == 1
    assert "longer than 60" in run("token", "create", "alice", "--label", "x" * 61).output
    assert run("token", "revoke", "424242").exit_code == 1
    assert run("token", "revoke", "ah").exit_code == 1

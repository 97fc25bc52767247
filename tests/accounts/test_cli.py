"""``anihome user ...`` commands, with passwords on standard input."""
import pytest
from click.testing import CliRunner

from anihome.cli import build_cli
from anihome.models import User

from .conftest import query, sign_in
from tests.conftest import make_app


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("ANIHOME_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ANIHOME_SECRET_KEY", "cli-test-secret")
    return tmp_path


def run(*args, stdin=""):
    return CliRunner().invoke(build_cli(), list(args), input=stdin)


def _users(tmp_path):
    app = make_app(tmp_path)
    try:
        return query(app, lambda: {u.username: (u.role, u.age_cap, u.is_active) for u in User.select()})
    finally:
        app.extensions["anihome.db"].close()


def test_user_create_reads_the_password_from_stdin(cli_env):
    result = run("user", "create", "Boss", "--role", "owner", stdin="owner-pass-1\n")
    assert result.exit_code == 0, result.output
    assert "created owner Boss" in result.output
    result = run("user", "create", "kid", "--age-cap", "12", stdin="kid-pass-12\nkid-pass-12\n")
    assert result.exit_code == 0, result.output
    assert _users(cli_env) == {"Boss": ("owner", None, True), "kid": ("member", 12, True)}
    app = make_app(cli_env)
    assert sign_in(app.test_client(), "boss", "owner-pass-1").status_code == 302
    app.extensions["anihome.db"].close()


@pytest.mark.parametrize("args, stdin, exit_code, message", [
    (["user", "create", "bob", "--role", "king"], "bob-pass-123\n", 2, "Invalid value for '--role'"),
    (["user", "create", "bob"], "short\n", 1, "at least 8 characters"),
    (["user", "create", "bob"], "first-pass\nsecond-pass\n", 1, "differ"),
    (["user", "create", "bob"], "", 1, "no password"),
    (["user", "create", "b"], "bob-pass-123\n", 1, "Usernames have 3 to 40"),
    (["user", "create", "bob", "--age-cap", "30"], "bob-pass-123\n", 2, "--age-cap"),
    (["user", "create", "BOSS"], "bob-pass-123\n", 1, "already taken"),
])
def test_user_create_rejects_bad_input_with_a_clear_error(cli_env, args, stdin, exit_code, message):
    assert run("user", "create", "boss", "--role", "owner", stdin="owner-pass-1\n").exit_code == 0
    result = run(*args, stdin=stdin)
    assert result.exit_code == exit_code
    assert message in result.output
    assert list(_users(cli_env)) == ["boss"]


def test_user_list_shows_every_member(cli_env):
    run("user", "create", "boss", "--role", "owner", stdin="owner-pass-1\n")
    run("user", "create", "kid", "--age-cap", "7", stdin="kid-pass-12\n")
    result = run("user", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["USERNAME", "ROLE", "AGE", "CAP", "STATE", "LAST", "SIGN-IN"]
    assert lines[1].split() == ["boss", "owner", "-", "active", "-"]
    assert lines[2].split() == ["kid", "member", "7", "active", "-"]


def test_set_password_disable_and_enable(cli_env):
    run("user", "create", "boss", "--role", "owner", stdin="owner-pass-1\n")
    run("user", "create", "kid", stdin="kid-pass-12\n")
    assert run("user", "set-password", "KID", stdin="new-kid-pass\n").exit_code == 0
    assert run("user", "disable", "kid").exit_code == 0
    assert _users(cli_env)["kid"][2] is False
    assert run("user", "enable", "kid").exit_code == 0
    app = make_app(cli_env)
    assert sign_in(app.test_client(), "kid", "new-kid-pass").status_code == 302
    app.extensions["anihome.db"].close()


def test_the_cli_refuses_to_disable_the_last_owner_or_unknown_names(cli_env):
    run("user", "create", "boss", "--role", "owner", stdin="owner-pass-1\n")
    result = run("user", "disable", "boss")
    assert result.exit_code == 1 and "at least one active owner" in result.output
    result = run("user", "set-password", "ghost", stdin="ghost-pass-1\n")
    assert result.exit_code == 1 and "No member with that username" in result.output
    assert _users(cli_env)["boss"][2] is True


def test_setup_code_prints_the_code_the_setup_page_asks_for(cli_env):
    from anihome.accounts import setup_code

    result = run("setup-code")
    assert result.exit_code == 0, result.output
    printed = result.output.strip()
    assert setup_code.matches(cli_env / "data", printed) and len(printed) == 9
    assert run("setup-code").output.strip() == printed  # the same code until setup is done


def test_setup_code_says_so_once_the_owner_exists(cli_env):
    run("user", "create", "Boss", "--role", "owner", stdin="owner-pass-1\n")
    result = run("setup-code")
    assert result.exit_code != 0
    assert "already has an owner" in result.output

"""A household moves in one file: export, dry-run import shows the change, import brings it back."""
from __future__ import annotations

import pytest

import json
import sqlite3
import zipfile
from pathlib import Path

from click.testing import CliRunner

from anihome.accounts import setup_code
from anihome.cli import build_cli
from anihome.db import close_all

from tests.conftest import make_app, make_user


def _invoke(*args):
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


def _household(tmp_path, monkeypatch, name="data"):
    monkeypatch.setenv("ANIHOME_DATA_DIR", str(tmp_path / name))
    monkeypatch.setenv("ANIHOME_KODIK_TOKEN", "a-secret-kodik-token")
    app = make_app(tmp_path, DATA_DIR=str(tmp_path / name))
    return app


def test_export_writes_one_archive_with_the_snapshot_each_member_and_no_secrets(tmp_path, monkeypatch):
    app = _household(tmp_path, monkeypatch)
    make_user(app, "owner", "owner")
    make_user(app, "Маша")
    from anihome.kodik.settings import save_token

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        save_token("stored-token-from-the-admin-page", app.config["ANIHOME_SETTINGS"])
    close_all(app.extensions["anihome.db"])

    result = _invoke("export-household", str(tmp_path / "home.zip"))

    assert result.exit_code == 0, result.output
    assert "2 members: owner, Маша" in result.output
    with zipfile.ZipFile(tmp_path / "home.zip") as archive:
        names = set(archive.namelist())
        assert {"manifest.json", "settings.json", "anihome.db", "members/owner.mal.xml", "members/owner.json",
                "members/Маша.mal.xml", "members/Маша.json"} <= names
        settings = json.loads(archive.read("settings.json"))
        manifest = json.loads(archive.read("manifest.json"))
        everything = b"".join(archive.read(name) for name in names)
    assert "KODIK_TOKEN" not in settings and "SECRET_KEY" not in settings and "DATA_DIR" not in settings
    assert settings["TIMEZONE"] == "UTC"
    assert manifest["members"] == ["owner", "Маша"] and manifest["counts"]["user"] == 2
    assert b"a-secret-kodik-token" not in everything and b"stored-token-from-the-admin-page" not in everything
    assert not list(tmp_path.glob(".home.zip.partial"))
    assert (tmp_path / "home.zip").stat().st_mode & 0o777 == 0o600  # it holds password hashes


@pytest.mark.sqlite_only("importing replaces the SQLite file in the data dir")
def test_import_dry_run_shows_the_change_then_import_moves_the_household(tmp_path, monkeypatch):
    old = _household(tmp_path, monkeypatch, "old")
    make_user(old, "owner", "owner")
    make_user(old, "masha")
    close_all(old.extensions["anihome.db"])
    assert _invoke("export-household", str(tmp_path / "home.zip")).exit_code == 0

    new = _household(tmp_path, monkeypatch, "new")  # a fresh install elsewhere
    make_user(new, "someone", "owner")
    close_all(new.extensions["anihome.db"])

    dry = _invoke("import-household", str(tmp_path / "home.zip"), "--dry-run")

    assert dry.exit_code == 0, dry.output
    assert "members added: masha, owner" in dry.output and "members removed: someone" in dry.output
    assert "  user: 1 -> 2" in dry.output and "nothing was changed" in dry.output
    assert _names(tmp_path / "new") == ["someone"]

    done = _invoke("import-household", str(tmp_path / "home.zip"), "--yes")

    assert done.exit_code == 0, done.output
    assert _names(tmp_path / "new") == ["masha", "owner"]
    assert len(list((tmp_path / "new" / "replaced").glob("*.db"))) == 1


def test_a_file_that_is_not_an_archive_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ANIHOME_DATA_DIR", str(tmp_path / "data"))
    bogus = tmp_path / "notes.zip"
    bogus.write_text("not a zip")
    result = _invoke("import-household", str(bogus), "--dry-run")
    assert result.exit_code == 1 and "cannot be read as a household archive" in result.output


def _names(data_dir: Path) -> list[str]:
    connection = sqlite3.connect(data_dir / "anihome.db")
    try:
        return sorted(row[0] for row in connection.execute("SELECT username FROM user"))
    finally:
        connection.close()


@pytest.mark.sqlite_only("importing replaces the SQLite file in the data dir")
def test_the_first_run_page_restores_a_household_from_an_archive(tmp_path, monkeypatch):
    import io

    from tests.conftest import csrf_token, sign_in

    old = _household(tmp_path, monkeypatch, "old")
    make_user(old, "owner", "owner")
    make_user(old, "masha")
    close_all(old.extensions["anihome.db"])
    assert _invoke("export-household", str(tmp_path / "home.zip")).exit_code == 0

    new = make_app(tmp_path, DATA_DIR=str(tmp_path / "new"))  # no owner yet: the first-run page
    client = new.test_client()
    page = client.get("/setup").get_data(as_text=True)
    assert 'id="restore-archive"' in page

    archive = (tmp_path / "home.zip").read_bytes()
    token = csrf_token(client, "/setup")
    refused = client.post("/setup/restore", content_type="multipart/form-data", data={
        "csrf_token": token, "setup_code": "WRONG-CODE", "archive": (io.BytesIO(archive), "home.zip")})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/setup")
    assert "That is not the setup code" in client.get("/setup").get_data(as_text=True)
    assert client.get("/setup").status_code == 200  # nothing was restored: still the first run

    answer = client.post("/setup/restore", content_type="multipart/form-data", data={
        "csrf_token": token, "setup_code": setup_code.ensure(new.config["DATA_DIR"])[0],
        "archive": (io.BytesIO(archive), "home.zip")})

    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login")
    assert _names(tmp_path / "new") == ["masha", "owner"]
    assert sign_in(client, "masha").status_code == 302  # her old password works here
    assert client.get("/setup").status_code == 404
    assert client.post("/setup/restore", data={}).status_code in (400, 404)  # gone once an owner exists
    close_all(new.extensions["anihome.db"])


def test_a_broken_archive_on_the_first_run_page_changes_nothing(tmp_path):
    import io

    from tests.conftest import csrf_token

    app = make_app(tmp_path)
    client = app.test_client()
    answer = client.post("/setup/restore", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/setup"), "setup_code": setup_code.ensure(app.config["DATA_DIR"])[0],
        "archive": (io.BytesIO(b"not a zip"), "home.zip")})

    assert answer.status_code == 302 and answer.headers["Location"].endswith("/setup")
    assert "cannot be read as a household archive" in client.get("/setup").get_data(as_text=True)
    close_all(app.extensions["anihome.db"])


@pytest.mark.sqlite_only("reads the archive's SQLite snapshot")
def test_export_masks_the_smtp_password_and_every_channel_secret_and_says_so(tmp_path, monkeypatch):
    app = _household(tmp_path, monkeypatch)
    owner = make_user(app, "owner", "owner")
    from anihome.clock import utcnow
    from anihome.kodik.settings import save_token
    from anihome.models import Channel
    from anihome.notify import household

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        save_token("stored-token-from-the-admin-page", app.config["ANIHOME_SETTINGS"])
        household.save_smtp({"host": "smtp.example.org", "port": "587", "security": "starttls",
                             "username": "mailer", "password": "smtp-pass-Zq81", "sender": "a@example.org"})
        Channel.create(user=owner.id, kind="ntfy", name="phone", url="https://ntfy.example.org", topic="t",
                       secret="ntfy-token-Kx42", created_at=utcnow())
        Channel.create(user=owner.id, kind="telegram", name="tg", chat_id="42",
                       secret="123456:telegram-bot-token-Pw9", created_at=utcnow())
    close_all(app.extensions["anihome.db"])

    result = _invoke("export-household", str(tmp_path / "home.zip"))

    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "home.zip") as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        archive.extract("anihome.db", tmp_path / "out")
    for secret in (b"smtp-pass-Zq81", b"ntfy-token-Kx42", b"telegram-bot-token-Pw9", b"stored-token-from-the-admin"):
        assert secret not in everything
    assert manifest["secrets_removed"] == ["smtp_password", "channel_secrets:2"]  # the Kodik token is a file
    snapshot = sqlite3.connect(tmp_path / "out" / "anihome.db")
    smtp = json.loads(snapshot.execute("SELECT value FROM app_setting WHERE key = 'notify.smtp'").fetchone()[0])
    assert smtp["password"] == "" and smtp["host"] == "smtp.example.org" and smtp["username"] == "mailer"
    assert snapshot.execute("SELECT name, secret FROM channel ORDER BY id").fetchall() == [("phone", ""), ("tg", "")]
    snapshot.close()
    with app.app_context(), app.extensions["anihome.db"].connection_context():  # the live household keeps them
        assert household.smtp_settings().password == "smtp-pass-Zq81"
        assert Channel.get(Channel.name == "phone").secret == "ntfy-token-Kx42"

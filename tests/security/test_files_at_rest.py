"""Files at rest: a private data dir, database and backups, warnings for loose modes, and a
Kodik token that never lands in the database, its backups or an export."""
import logging
import os
import stat

import pytest

from anihome.kodik import settings as kodik_settings
from anihome.migrations.backup import backup_sqlite
from anihome.security.file_modes import warn_if_loose
from tests.conftest import make_app

TOKEN = "kodik-secret-token-1234567890"

pytestmark = pytest.mark.sqlite_only("the SQLite database file, its -wal and its backups: their modes and bytes")


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_data_dir_database_and_secret_key_are_private_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        app = make_app(tmp_path, SECRET_KEY="")  # generated into the data dir
    finally:
        os.umask(old)
    data = tmp_path / "data"
    assert _mode(data) == 0o700
    assert _mode(data / "anihome.db") == 0o600
    assert _mode(data / "secret_key") == 0o600
    app.extensions["anihome.db"].close()


def test_backups_are_private(tmp_path):
    app = make_app(tmp_path)
    data = tmp_path / "data"
    old = os.umask(0o022)
    try:
        path = backup_sqlite(data / "anihome.db", data / "backups", "nightly", 3)
    finally:
        os.umask(old)
    assert _mode(data / "backups") == 0o700
    assert _mode(path) == 0o600
    app.extensions["anihome.db"].close()


def test_start_up_warns_about_private_files_that_others_can_read(tmp_path, caplog):
    app = make_app(tmp_path)
    data = tmp_path / "data"
    os.chmod(data, 0o755)
    os.chmod(data / "anihome.db", 0o644)
    with caplog.at_level(logging.WARNING, logger="anihome.security.file_modes"):
        loose = warn_if_loose(data)
    assert {p.name for p, _ in loose} == {"data", "anihome.db"}
    assert "chmod 600" in caplog.text and "chmod 700" in caplog.text
    os.chmod(data, 0o700)
    os.chmod(data / "anihome.db", 0o600)
    assert warn_if_loose(data) == []
    app.extensions["anihome.db"].close()


def test_the_kodik_token_from_the_admin_page_is_kept_out_of_the_database_and_backups(tmp_path):
    app = make_app(tmp_path)
    data = tmp_path / "data"
    settings = app.config["ANIHOME_SETTINGS"]
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        kodik_settings.save_token(TOKEN, settings)
        assert kodik_settings.current_token(settings).token == TOKEN
        app.extensions["anihome.db"].execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    backup = backup_sqlite(data / "anihome.db", data / "backups", "nightly", 3)
    for path in [data / "anihome.db", backup, *data.glob("anihome.db-*")]:
        assert TOKEN.encode() not in path.read_bytes(), path
    assert _mode(data / "kodik_token") == 0o600
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        kodik_settings.clear_token(settings)
        assert kodik_settings.current_token(settings).token == ""
    app.extensions["anihome.db"].close()


def test_a_token_stored_by_an_older_version_moves_out_of_the_database_at_start(tmp_path):
    from anihome.kodik import state
    from anihome.serving.startup import prepare_database

    app = make_app(tmp_path)
    data = tmp_path / "data"
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        from anihome.db import write_transaction

        with write_transaction():
            state.put(state.TOKEN_KEY, TOKEN)
    prepare_database(app)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        assert state.get(state.TOKEN_KEY) is None
        assert kodik_settings.current_token(app.config["ANIHOME_SETTINGS"]).token == TOKEN
        app.extensions["anihome.db"].execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert TOKEN.encode() not in (data / "anihome.db").read_bytes()
    app.extensions["anihome.db"].close()

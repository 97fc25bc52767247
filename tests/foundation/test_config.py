"""Settings: layering, validation, and documentation of every setting."""
import os
import stat
from pathlib import Path

import pytest

from anihome import create_app
from anihome.config import SETTINGS, ConfigError, load_settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_every_setting_is_documented_in_configuration_md():
    text = DOCS.read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`ANIHOME_{s.name}`" not in text or f"`{s.name}`" not in text]
    assert missing == []


def test_every_setting_has_help_text():
    assert all(len(s.help) > 10 for s in SETTINGS)


def test_layers_defaults_then_toml_then_environment_then_overrides(tmp_path):
    (tmp_path / "config.toml").write_text('port = 9001\ntimezone = "Europe/Moscow"\nthreads = 2\n')
    env = {"ANIHOME_DATA_DIR": str(tmp_path), "ANIHOME_PORT": "9002", "ANIHOME_THREADS": "3"}
    settings = load_settings({"THREADS": 7}, environ=env)
    assert settings["TIMEZONE"] == "Europe/Moscow"  # from the file
    assert settings["PORT"] == 9002  # environment beats the file
    assert settings["THREADS"] == 7  # overrides beat the environment
    assert settings["HOST"] == "0.0.0.0"  # default


def test_bad_values_name_the_setting(tmp_path):
    with pytest.raises(ConfigError, match="PORT"):
        load_settings(environ={"ANIHOME_DATA_DIR": str(tmp_path), "ANIHOME_PORT": "eighty"})
    with pytest.raises(ConfigError, match="TIMEZONE"):
        load_settings({"DATA_DIR": str(tmp_path), "TIMEZONE": "Mars/Olympus"}, environ={})


def test_unknown_names_are_refused(tmp_path):
    (tmp_path / "config.toml").write_text("prot = 1\n")
    with pytest.raises(ConfigError, match="PROT"):
        load_settings({"DATA_DIR": str(tmp_path)}, environ={})
    with pytest.raises(ConfigError, match="NOPE"):
        load_settings({"DATA_DIR": str(tmp_path), "NOPE": 1}, environ={})


def test_malformed_toml_is_a_clear_error(tmp_path):
    (tmp_path / "config.toml").write_text("port = = 3\n")
    with pytest.raises(ConfigError, match="config.toml"):
        load_settings({"DATA_DIR": str(tmp_path)}, environ={})


def test_secret_key_is_generated_once_with_mode_0600(tmp_path):
    first = create_app({"DATA_DIR": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    second = create_app({"DATA_DIR": str(tmp_path)})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32


def test_explicit_secret_key_is_used_and_no_file_written(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "SECRET_KEY": "from-settings"})
    assert app.config["SECRET_KEY"] == "from-settings"
    assert not (tmp_path / "secret_key").exists()


def test_session_cookie_is_httponly_and_samesite_lax(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_public_url_is_an_http_address_without_its_trailing_slash(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path), "PUBLIC_URL": "https://Anime.home.lan:8443/"}, environ={})
    assert settings["PUBLIC_URL"] == "https://Anime.home.lan:8443"
    for bad in ("anime.home.lan", "ftp://x.lan", "https://x.lan/?a=1", "https://"):
        with pytest.raises(ConfigError, match="PUBLIC_URL"):
            load_settings({"DATA_DIR": str(tmp_path), "PUBLIC_URL": bad}, environ={})


def test_allowed_hosts_is_a_lowercase_comma_list_of_host_names(tmp_path):
    env = {"ANIHOME_DATA_DIR": str(tmp_path), "ANIHOME_ALLOWED_HOSTS": " Anime.Lan , .home.lan,192.168.1.5 "}
    assert load_settings(environ=env)["ALLOWED_HOSTS"] == "anime.lan,.home.lan,192.168.1.5"
    with pytest.raises(ConfigError, match="ALLOWED_HOSTS"):
        load_settings({"DATA_DIR": str(tmp_path), "ALLOWED_HOSTS": "http://evil.example/"}, environ={})

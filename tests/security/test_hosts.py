"""Requests are answered only for our own names: a DNS-rebinding page gets a 400, not the app."""
import pytest

from anihome.security.hosts import HostPolicy, host_name
from tests.conftest import make_app


@pytest.mark.parametrize("header, name", [
    ("Example.LAN:8080", "example.lan"), ("[::1]:8080", "::1"), ("10.0.0.5", "10.0.0.5"),
    ("anime.lan.", "anime.lan"), ("", ""),
])
def test_host_names_lose_their_port_brackets_case_and_final_dot(header, name):
    assert host_name(header) == name


def test_by_default_loopback_addresses_and_the_machines_own_name_are_allowed():
    policy = HostPolicy({"ALLOWED_HOSTS": "", "PUBLIC_URL": "", "HOST": "0.0.0.0"}, machine_name="raspberrypi")
    for host in ("localhost:8080", "127.0.0.1:8080", "[::1]:8080", "192.168.1.20:8080", "raspberrypi:8080",
                 "raspberrypi.local", "app.localhost"):
        assert policy.allows(host), host
    for host in ("evil.example", "evil.example:8080", "raspberrypi.evil.example", "", "localhost.evil.example"):
        assert not policy.allows(host), host


def test_public_url_and_allowed_hosts_add_names_and_a_leading_dot_adds_subdomains():
    policy = HostPolicy({"ALLOWED_HOSTS": "media.lan,.home.arpa", "PUBLIC_URL": "https://anime.example.org",
                         "HOST": "0.0.0.0"}, machine_name="pi")
    for host in ("anime.example.org", "media.lan:8080", "tv.home.arpa", "home.arpa"):
        assert policy.allows(host), host
    assert not policy.allows("other.example.org")
    assert HostPolicy({"ALLOWED_HOSTS": "*"}, machine_name="pi").allows("anything.example")


def test_a_foreign_host_gets_400_on_pages_setup_and_the_api(app, client):
    for path in ("/", "/setup", "/login", "/static/css/app.css"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400, path
    api = client.get("/api/v1/health", headers={"Host": "evil.example:8080"})
    assert api.status_code == 400
    assert api.get_json()["error"]["code"] == "host_not_allowed"
    assert client.get("/setup", headers={"Host": "localhost:8080"}).status_code == 200


def test_first_run_setup_cannot_be_claimed_through_a_rebound_name(app, client):
    page = client.get("/setup", headers={"Host": "rebind.evil.example", "Origin": "http://rebind.evil.example"})
    assert page.status_code == 400
    posted = client.post("/setup", headers={"Host": "rebind.evil.example", "Origin": "http://rebind.evil.example"},
                         data={"username": "attacker", "password": "attacker-pass", "password_repeat": "attacker-pass"})
    assert posted.status_code == 400


def test_allowed_hosts_from_settings_reach_the_app(tmp_path):
    app = make_app(tmp_path, ALLOWED_HOSTS="anime.home.lan", PUBLIC_URL="https://tv.example.net")
    client = app.test_client()
    assert client.get("/api/v1/health", headers={"Host": "anime.home.lan"}).status_code == 200
    assert client.get("/api/v1/health", headers={"Host": "tv.example.net"}).status_code == 200
    assert client.get("/api/v1/health", headers={"Host": "evil.example"}).status_code == 400
    app.extensions["anihome.db"].close()

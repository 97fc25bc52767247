"""Security headers on every answer, and templates that keep working under the CSP."""
import re
from pathlib import Path

from anihome.security.headers import KODIK_PLAYER_HOSTS, content_security_policy
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[2]


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in policy.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


def test_pages_api_and_static_files_carry_the_security_headers(app, client):
    for path in ("/setup", "/api/v1/health", "/static/css/app.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert response.headers["Referrer-Policy"] == "same-origin"
        policy = _directives(response.headers["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'self'"] and policy["object-src"] == ["'none'"]


def test_frames_may_come_only_from_kodiks_player_hosts():
    frames = _directives(content_security_policy({}))["frame-src"]
    hosts = {source.removeprefix("*.") for source in frames}
    assert hosts == set(KODIK_PLAYER_HOSTS)
    assert "'self'" not in frames and "*" not in frames and "https:" not in frames


def test_extra_player_hosts_come_from_the_setting(tmp_path):
    app = make_app(tmp_path, KODIK_PLAYER_HOSTS="player.example.net, http://127.0.0.1:8123")
    policy = app.test_client().get("/api/v1/health").headers["Content-Security-Policy"]
    assert _directives(policy)["frame-src"][-2:] == ["player.example.net", "http://127.0.0.1:8123"]
    app.extensions["anihome.db"].close()


INLINE = {
    # (a JSON data block, <script type="application/json">, is data, not script: allowed)
    "inline <script>": re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_no_template_has_inline_script_handlers_or_styles():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def test_scripts_do_not_write_style_attributes_or_evaluate_strings():
    found = []
    # Setting element.style.x or innerHTML is fine under the CSP; style/on* attributes and
    # string evaluation are not.
    pattern = re.compile(r"setAttribute\(\s*['\"](style|on\w+)['\"]|\beval\(|new Function\(")
    for path in sorted((ROOT / "static" / "js").rglob("*.js")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []

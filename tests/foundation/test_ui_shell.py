"""The UI shell: error pages answer HTML to browsers and JSON under /api/, in both languages."""
import json
import re
from pathlib import Path

from anihome.i18n import LANGUAGES, catalog, translate


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"Page not found" in response.data


def test_unknown_api_route_is_a_json_404(client):
    response = client.get("/api/v1/no-such-route")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_russian_is_chosen_from_accept_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert "Страница не найдена" in response.get_data(as_text=True)
    assert '<html lang="ru"' in response.get_data(as_text=True)


def test_every_russian_catalog_is_valid_json_with_placeholders_kept():
    folder = Path(__file__).resolve().parents[2] / "anihome" / "i18n" / "ru"
    for path in folder.glob("*.json"):
        for english, russian in json.loads(path.read_text(encoding="utf-8")).items():
            for placeholder in ("%(", "{"):
                assert english.count(placeholder) == russian.count(placeholder), (path.name, english)


def test_translate_falls_back_to_english():
    assert "ru" in LANGUAGES
    assert translate("ru", "A string nobody translated") == "A string nobody translated"
    assert catalog("en") == {}


def test_html_pages_send_the_csrf_meta_and_theme_switch(client):
    body = client.get("/no-such-page").get_data(as_text=True)
    assert 'name="csrf-token"' in body
    assert "data-theme-toggle" in body


def test_an_id_beyond_64_bits_is_never_a_500_or_a_405_on_any_method_of_its_route(app):
    huge = str(2 ** 64)
    for rule in app.url_map.iter_rules():
        if "<int:" in rule.rule:
            url = re.sub(r"<[^>]+>", "x", re.sub(r"<int:[^>]+>", huge, rule.rule))
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                # the access check answers first (sign-in redirect, 401, setup); then a 404
                status = app.test_client().open(url, method=method).status_code
                assert status in (302, 400, 401, 404), f"{method} {rule.rule} -> {status}"

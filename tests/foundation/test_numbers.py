"""Numbers on pages use the language's digit groups and decimal mark."""
from anihome.models import Release
from anihome.numbers import number
from tests.catalog.catalog_data import build_catalog
from tests.support.web import sign_in_as


def test_russian_groups_thousands_with_a_no_break_space_and_writes_a_decimal_comma():
    assert number(76288, "ru") == "76\u00a0288"
    assert number(1.25, "ru", 1) == "1,2" and number(1234.5, "ru", 1) == "1\u00a0234,5"
    assert number(76288, "en") == "76,288" and number(1234.5, "en", 1) == "1,234.5"
    assert number(None, "ru") == "—"


def test_a_russian_release_page_writes_vote_counts_in_digit_groups(app, member):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        ns = build_catalog()
        Release.update(shikimori_rating=8.1, shikimori_votes=76288).where(Release.id == ns.aot).execute()
    client = sign_in_as(app.test_client(), member)
    client.set_cookie("lang", "ru")
    html = client.get(f"/releases/{ns.aot}").get_data(as_text=True)
    assert "голосов: 76\u00a0288" in html and "76288" not in html

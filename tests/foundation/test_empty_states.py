"""A new member's empty library pages say what will appear there and offer the next step."""
from __future__ import annotations

import re

import pytest

from tests.support.web import sign_in_as


@pytest.mark.parametrize("path", ["/continue", "/history", "/favorites", "/lists"])
def test_an_empty_library_page_links_to_the_catalog(app, member, path):
    client = sign_in_as(app.test_client(), member)
    client.set_cookie("lang", "ru")
    html = client.get(path).get_data(as_text=True)
    empty = re.search(r'<p class="muted" data-empty>(.*?)</p>', html, re.S)
    assert empty, path
    assert 'href="/browse"' in empty.group(1) and "Открыть каталог" in empty.group(1)


def test_an_empty_collections_page_points_to_the_form_below_it(app, member):
    client = sign_in_as(app.test_client(), member)
    client.set_cookie("lang", "ru")
    html = client.get("/collections/").get_data(as_text=True)
    assert "Коллекций пока нет. Создайте первую ниже" in html

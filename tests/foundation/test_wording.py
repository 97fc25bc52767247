"""Russian wording a person reads as the action it is: buttons say what they do, counts say
what they count (not the same word twice)."""
from __future__ import annotations

import re

from anihome.db import write_transaction
from anihome.notify import outbox
from anihome.social import reviews
from tests.catalog.catalog_data import build_catalog
from tests.conftest import make_user
from tests.support.web import sign_in_as


def _russian(app, user, path):
    client = sign_in_as(app.test_client(), user)
    client.set_cookie("lang", "ru")
    return client.get(path).get_data(as_text=True)


def _buttons(html):
    return [" ".join(text.split()) for text in re.findall(r"<button[^>]*>(.*?)</button>", html, re.S)]


def test_russian_notification_buttons_say_mark_as_read_not_read(app, member):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        ns = build_catalog()
        with write_transaction():
            outbox.write([outbox.New(member.id, "airing_finished", f"air:{ns.aot}", ns.aot)])
    buttons = _buttons(_russian(app, member, "/notifications"))
    assert "Отметить прочитанным" in buttons and "Отметить все прочитанными" in buttons
    assert "Прочитано" not in buttons


def test_a_reviews_helpful_count_and_its_button_are_not_the_same_word(app, member):
    author = make_user(app, "author", "member")
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        ns = build_catalog()
        reviews.save(author, ns.aot, 8, "Хорошее аниме для вечера, рисовка приятная и сюжет затягивает.")
    html = _russian(app, member, f"/releases/{ns.aot}")
    assert "Считают полезным: 0" in html and "Полезно" in _buttons(html)
    client = sign_in_as(app.test_client(), member)
    english = client.get(f"/releases/{ns.aot}").get_data(as_text=True)
    assert "Found helpful by 0" in english and "Helpful" in _buttons(english)

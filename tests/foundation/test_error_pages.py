"""Errors a household meets in the browser: translated pages in the layout with a way back,
an expired session on a form post that leads to sign-in and back, and pages that never show
Python's own words (reprs, "None")."""
from __future__ import annotations

import os
import re

import pytest

from anihome.clock import utcnow
from anihome.models import JobRun


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_missing_page_is_translated_in_the_layout_with_a_way_back(client, member, login):
    login(client, "member")
    client.set_cookie("lang", "ru")
    response = client.get("/no/such/page", headers={"Referer": "http://localhost/browse?page=2"})
    page = text(response)
    assert response.status_code == 404
    assert "Страница не найдена" in page and "По этому адресу ничего нет" in page
    assert "requested URL was not found" not in page  # Werkzeug's English text
    assert 'class="nav"' in page or 'aria-label="Main"' in page or "Главная" in page  # the layout
    assert 'href="/browse?page=2"' in page and "Назад" in page


def test_a_forbidden_page_explains_itself_and_offers_home(client, member, login):
    login(client, "member")
    response = client.get("/admin/members/")
    page = text(response)
    assert response.status_code == 403
    assert "You do not have access to this page" in page and "Ask the household" in page
    assert "Back to home" in page and "Go back" not in page  # no Referer: no back link


def test_a_foreign_referer_is_never_offered_as_the_way_back(client, member, login):
    login(client, "member")
    page = text(client.get("/no/such/page", headers={"Referer": "https://evil.example/x"}))
    assert "evil.example" not in page


@pytest.mark.parametrize("status", [400, 410, 500])
def test_other_statuses_have_their_own_translated_words(app, client, member, login, status):
    from flask import abort

    from anihome.security.access import access

    @access("public")
    def fail():
        if status == 500:
            raise RuntimeError("boom")
        abort(status)

    app.add_url_rule(f"/test-fail-{status}", f"test_fail_{status}", fail)
    client.set_cookie("lang", "ru")
    page = text(client.get(f"/test-fail-{status}"))
    expected = {400: "Запрос не удалось обработать", 410: "Эта ссылка больше не действует",
                500: "Ошибка записана в журнал"}[status]
    assert expected in page and "boom" not in page and "На главную" in page


def test_an_expired_session_on_a_form_post_leads_to_sign_in_and_back(client, member, login, csrf):
    login(client, "member")
    token = csrf(client, "/lists")
    client.delete_cookie("anihome_session")  # the session is gone (expired, signed out elsewhere)
    response = client.post("/favorites/1", data={"csrf_token": token, "on": "1"},
                           headers={"Referer": "http://localhost/releases/1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/releases/1"
    page = text(client.get(response.headers["Location"]))
    assert "Your session has expired. Sign in again" in page and "CSRF" not in page
    assert 'name="next" value="/releases/1"' in page


def test_a_stale_form_of_a_signed_in_member_is_refused_with_a_way_back(client, member, login):
    login(client, "member")
    client.set_cookie("lang", "ru")
    response = client.post("/favorites/1", data={"csrf_token": "stale", "on": "1"},
                           headers={"Referer": "http://localhost/favorites"})
    page = text(response)
    assert response.status_code == 400 and "CSRF" not in page
    assert "Форма устарела, поэтому ничего не изменено" in page and 'href="/favorites"' in page


def test_a_sign_in_form_without_its_token_is_refused_in_plain_words(client, owner):
    client.get("/login")
    response = client.post("/login", data={"username": "owner", "password": "x"},
                           headers={"Referer": "http://localhost/login?next=/lists"})
    page = text(response)
    assert response.status_code == 400 and "CSRF" not in page
    assert "The form had expired, so nothing was sent" in page and 'href="/login?next=/lists"' in page


def test_a_browse_page_past_the_end_does_not_call_the_catalog_empty(app, client, member, login):
    from tests.catalog.catalog_data import build_catalog

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        build_catalog()
    login(client, "member")
    page = text(client.get("/browse?page=999"))
    assert "The catalog is empty" not in page
    assert "There is no page 999" in page and 'rel="last"' in page


def test_the_account_page_says_no_limit_for_no_age_cap(client, member, login):
    login(client, "member")
    page = text(client.get("/account/"))
    assert "No limit" in page and ">None<" not in page


def test_the_kodik_page_shows_no_python_repr_before_the_first_progress_poll(app, client, owner, login):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        JobRun.create(job_id="kodik-full-sync", trigger="manual", status="running", started_at=utcnow(),
                      pid=os.getpid(), counts="{}")
    login(client, "owner")
    page = text(client.get("/admin/kodik/"))
    assert 'data-running="true"' in page
    assert "<built-in" not in page and "object at 0x" not in page
    assert re.search(r"<strong data-kodik-done>0</strong>", page)


def test_a_service_message_is_translated_on_the_russian_error_page(app, client, member, login):
    from anihome.errors import NotFound
    from anihome.security.access import access

    @app.get("/_missing_episode")
    @access("member")
    def _missing_episode():
        raise NotFound("No such episode.")

    login(client, "member")
    client.set_cookie("lang", "ru")
    page = text(client.get("/_missing_episode"))
    assert "Такой серии нет." in page and "No such episode" not in page


def test_a_message_without_a_translation_gives_way_to_the_status_explanation_in_russian(app, client, member, login):
    from anihome.errors import AppError
    from anihome.security.access import access

    @app.get("/_untranslated")
    @access("member")
    def _untranslated():
        raise AppError("An English sentence nobody translated, for the test.")

    login(client, "member")
    client.set_cookie("lang", "ru")
    page = text(client.get("/_untranslated"))
    assert "nobody translated" not in page and "В запросе что-то не так" in page
    client.set_cookie("lang", "en")
    assert "An English sentence nobody translated, for the test." in text(client.get("/_untranslated"))


def test_a_foreign_host_is_refused_in_the_visitors_language(client):
    ru = text(client.get("/login", headers={"Host": "evil.example", "Accept-Language": "ru"}))
    assert "Этот сервер не отвечает на имя &#39;evil.example&#39;" in ru and "does not answer" not in ru
    en = client.get("/api/v1/health", headers={"Host": "evil.example"}).get_json()
    assert en["error"]["message"].startswith("This server does not answer to the name 'evil.example'.")

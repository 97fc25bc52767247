"""Pages write dates the way a person reads them in the page's language (month names, the
household's clock), never as raw ISO text."""
from __future__ import annotations

from datetime import date, datetime

from anihome.clock import utcnow
from anihome.models import Release, User
from anihome.social import comments
from tests.catalog.catalog_data import build_catalog
from tests.support.web import sign_in_as


def _data(app):
    """Run service calls inside an app context of their own (pages then get fresh contexts)."""
    return app.app_context(), app.extensions["anihome.db"].connection_context()


def _page(app, user, path, lang):
    client = sign_in_as(app.test_client(), user)
    client.set_cookie("lang", lang)
    answer = client.get(path)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_a_release_page_writes_its_air_date_and_next_episode_with_month_names(app, member):
    context, connection = _data(app)
    with context, connection:
        ns = build_catalog()
        Release.update(next_episode_at=datetime(2027, 12, 2, 14, 30)).where(Release.id == ns.aot).execute()
    russian = _page(app, member, f"/releases/{ns.aot}", "ru")
    assert "7\u00a0апреля 2013" in russian and "2013-04-07" not in russian
    assert "28\u00a0сентября 2013" in russian and "2013-09-28" not in russian  # finished airing
    assert "2\u00a0декабря 2027, 14:30" in russian and "2027-12-02 14:30" not in russian
    english = _page(app, member, f"/releases/{ns.aot}", "en")
    assert "Apr\u00a07, 2013" in english and "Dec\u00a02, 2027, 14:30" in english


def test_an_air_date_keeps_its_year_even_this_year(app, member):
    this_year = utcnow().year
    context, connection = _data(app)
    with context, connection:
        ns = build_catalog()
        Release.update(aired_on=date(this_year, 1, 7)).where(Release.id == ns.aot).execute()
    assert f"7\u00a0января {this_year}" in _page(app, member, f"/releases/{ns.aot}", "ru")


def test_comment_times_are_on_the_households_clock_with_month_names(app, member):
    app.config["TIMEZONE"] = "Europe/Moscow"
    context, connection = _data(app)
    with context, connection:
        ns = build_catalog()
        comments.post(member, ns.aot, "Первая серия — огонь", now=datetime(2025, 3, 8, 21, 30))
    russian = _page(app, member, f"/releases/{ns.aot}", "ru")
    assert "9\u00a0марта 2025, 00:30" in russian  # 21:30 UTC is past midnight in Moscow
    assert "2025-03-08 21:30" not in russian


def test_the_account_page_says_since_when_in_words(app, member):
    context, connection = _data(app)
    with context, connection:
        User.update(created_at=datetime(2024, 5, 9, 10, 0)).where(User.id == member.id).execute()
    russian = _page(app, member, "/account/", "ru")
    assert "9\u00a0мая 2024" in russian and "2024-05-09" not in russian


def test_the_admin_next_run_time_reads_like_every_other_date(app):
    from anihome.web.schedules import local_time

    with app.test_request_context("/", headers={"Cookie": "lang=ru"}):
        assert local_time("2030-12-06T05:00:00+03:00") == "6\u00a0декабря 2030, 05:00"  # its own clock
        assert local_time(None) == "—"


def test_the_calendars_day_headings_name_the_month(app, member):
    import re

    russian = _page(app, member, "/calendar", "ru")
    headings = re.findall(r'<h3 class="cal-date"><time datetime="[\d-]+">(.*?)</time>', russian)
    assert len(headings) == 14
    assert all(re.fullmatch(r"[А-Я][а-я]+, \d{1,2}\u00a0[а-я]+( \d{4})?", text) for text in headings), headings

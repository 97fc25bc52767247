"""Airing calendar: this week and next in the household's time zone, the age cap, iCal text, tokens."""
from datetime import datetime, timedelta

from anihome.catalog.calendar import calendar_days, upcoming, window
from anihome.catalog.feeds import issue_token, revoke_token, user_for_token
from anihome.catalog.ical import feed_text, fold
from anihome.models import Release


def test_window_starts_on_monday_midnight_local_time():
    now = datetime(2026, 11, 26, 22, 30)  # Thursday 22:30 UTC = Friday 01:30 in Moscow
    monday, start, end = window(now, "Europe/Moscow")
    assert str(monday) == "2026-11-23"
    assert start == datetime(2026, 11, 22, 21, 0) and end - start == timedelta(days=14)


def test_upcoming_lists_releases_with_a_next_episode_in_two_weeks(db, catalog):
    items = upcoming(None, catalog.now, "UTC")
    assert [i["release"]["id"] for i in items] == [catalog.opm, catalog.dreams]
    assert items[0]["episode"] == 5  # four aired


def test_calendar_respects_the_age_cap(db, catalog):
    assert [i["release"]["id"] for i in upcoming(16, catalog.now, "UTC")] == [catalog.opm]
    assert upcoming(12, catalog.now, "UTC") == []


def test_releases_outside_the_window_are_left_out(db, catalog):
    Release.update(next_episode_at=catalog.now + timedelta(days=30)).where(
        Release.id == catalog.opm).execute()
    assert [i["release"]["id"] for i in upcoming(None, catalog.now, "UTC")] == [catalog.dreams]


def test_calendar_days_place_items_on_their_local_day(db, catalog):
    moment = datetime(2026, 11, 26, 22, 30)
    Release.update(next_episode_at=moment).where(Release.id == catalog.opm).execute()
    days = calendar_days(None, datetime(2026, 11, 25, 12, 0), "Europe/Moscow")
    flat = {str(day["date"]): day["items"] for week in days["weeks"] for day in week}
    assert len(flat) == 14
    assert flat["2026-11-27"][0]["local_time"] == "01:30"


def test_ical_feed_escapes_text_and_folds_long_lines(db, catalog):
    items = upcoming(None, catalog.now, "UTC")
    items[0]["release"]["title"] = "Ванпанчмен, сезон; 3\\" + "я" * 60
    text = feed_text(items, catalog.now, "http://box:8080")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Ванпанчмен\\, сезон\\; 3\\\\" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.count("BEGIN:VEVENT") == 2
    assert f"URL:http://box:8080/releases/{catalog.opm}" in text


def test_folding_never_splits_a_multibyte_character():
    line = "SUMMARY:" + "ё" * 80
    assert "".join(part.lstrip(" ") for part in fold(line).split("\r\n")) == line


def test_feed_tokens_can_be_issued_replaced_and_revoked(users, db):
    user = users["teen"]
    first = issue_token(user.id)
    assert user_for_token(first).id == user.id
    second = issue_token(user.id)
    assert user_for_token(first) is None and user_for_token(second).id == user.id
    assert revoke_token(user.id) and user_for_token(second) is None
    assert user_for_token("../../etc") is None

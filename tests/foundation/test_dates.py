"""The one time formatter behind API answers, exports, admin status, pages and the CLI."""
from datetime import date, datetime, timedelta, timezone

from anihome import dates


def test_stored_utc_times_are_iso_to_the_second_with_z():
    assert dates.iso_utc(datetime(2026, 11, 20, 12, 0, 5, 123456)) == "2026-11-20T12:00:05Z"
    assert dates.iso_utc(datetime(2026, 11, 20, 15, 0, tzinfo=timezone(timedelta(hours=3)))) == "2026-11-20T12:00:00Z"
    assert dates.iso_utc(date(2026, 11, 20)) == "2026-11-20"
    assert dates.iso_utc("2026-11-20 12:00:05.123") == "2026-11-20T12:00:05Z"  # raw SQLite text
    assert dates.iso_utc(None) is None


def test_local_time_follows_the_households_zone_and_falls_back_to_utc():
    stored = datetime(2026, 11, 20, 21, 30)
    moscow = dates.local(stored, "Europe/Moscow")
    assert (moscow.date(), moscow.hour, moscow.minute) == (date(2026, 11, 21), 0, 30)
    assert dates.local(stored, "Mars/Olympus").utcoffset() == timedelta(0)
    assert dates.local(None, "UTC") is None


def test_display_writes_pages_and_terminals_alike():
    assert dates.display(datetime(2026, 11, 20, 9, 5)) == "2026-11-20 09:05"
    assert dates.display(date(2026, 11, 20), "%d.%m.%Y") == "20.11.2026"
    assert dates.display(None) == "—" and dates.display(None, empty="-") == "-"


def test_people_read_dates_with_month_names_in_their_language_and_this_year_left_out():
    today = date(2026, 11, 30)
    assert dates.human(datetime(2026, 11, 30, 17, 1), "ru", today) == "30\u00a0ноября, 17:01"
    assert dates.human(datetime(2025, 1, 7, 9, 5), "ru", today) == "7\u00a0января 2025, 09:05"
    assert dates.human(date(2026, 1, 7), "ru", today) == "7\u00a0января"
    assert dates.human(datetime(2026, 11, 30, 17, 1), "en", today) == "Nov\u00a030, 17:01"
    assert dates.human(date(2025, 1, 7), "en", today) == "Jan\u00a07, 2025"
    assert dates.human(datetime(2026, 11, 30, 17, 1), "ru", today, with_time=False) == "30\u00a0ноября"
    assert dates.human(None, "ru") == "—"


def test_iso_text_from_cached_cards_reads_as_a_date_or_a_utc_time():
    assert dates.parse("2026-01-07") == date(2026, 1, 7)
    assert dates.parse("2026-12-02T14:30:00Z") == datetime(2026, 12, 2, 14, 30)
    assert dates.parse("2026-12-02T17:30:00+03:00") == datetime(2026, 12, 2, 14, 30)
    assert dates.parse("not a date") is None
    assert dates.human("2026-12-02T14:30:00Z", "ru", date(2026, 11, 30)) == "2\u00a0декабря, 14:30"

"""The history page writes a one-moment visit as one time, a longer one as a range."""
import re
from datetime import datetime

from anihome.library import episodes, progress

from .conftest import sign_in_as


def test_a_visit_that_started_and_ended_in_the_same_minute_shows_one_time(client, cat, alice):
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 1), 100, 1440, now=datetime(2026, 11, 1, 20, 0))
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 2), 100, 1440, now=datetime(2026, 11, 1, 21, 0))
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 2), 900, 1440, now=datetime(2026, 11, 1, 21, 14))
    sign_in_as(client, alice)
    html = client.get("/history").get_data(as_text=True)
    assert "20:00 ·" in html and "20:00–20:00" not in html
    assert "21:00–21:14 ·" in html


def test_history_day_headings_say_today_and_yesterday_like_the_notifications(client, cat, alice):
    from datetime import timedelta

    from anihome.clock import utcnow

    now = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    for days, number in ((0, 1), (1, 2), (3, 3)):
        progress.save(alice.id, episodes.ref_for(cat.voice, 1, number), 100, 1440, now=now - timedelta(days=days))
    sign_in_as(client, alice)
    client.set_cookie("lang", "ru")
    html = client.get("/history").get_data(as_text=True)
    headings = re.findall(r'<h2 class="day-heading"><time datetime="[\d-]+">(.*?)</time>', html)
    assert headings[:2] == ["Сегодня", "Вчера"] and re.fullmatch(r"\d{1,2}\u00a0[а-я]+( \d{4})?", headings[2])

"""The history page writes a one-moment visit as one time, a longer one as a range."""
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

"""The demo catalog: its own artwork (generated tiles) and a calendar that follows today."""
from __future__ import annotations

from datetime import timedelta

from anihome.artwork.tile import tile_svg
from anihome.clock import utcnow
from anihome.kodik.demo import load_demo_catalog, roll_demo_airing
from anihome.models import Release
from tests.catalog.conftest import signed_in
from tests.conftest import make_user


def test_the_demo_calendar_has_airings_in_the_coming_week_and_posters_are_tiles(app):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        load_demo_catalog(app.config["ANIHOME_SETTINGS"], items=120)
        now = utcnow()
        times = [at for (at,) in Release.select(Release.next_episode_at)
                 .where(Release.next_episode_at.is_null(False)).tuples()]
        some = Release.select().first()
    assert times and all(now - timedelta(minutes=5) <= at < now + timedelta(days=7) for at in times)
    client = signed_in(app, make_user(app, "owner", "owner"))
    poster = client.get(f"/posters/{some.id}")
    assert poster.status_code == 200 and poster.mimetype == "image/svg+xml"
    calendar = client.get("/calendar").get_data(as_text=True)
    assert "/releases/" in calendar


def test_rolling_moves_only_past_times_by_whole_weeks(app):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        load_demo_catalog(app.config["ANIHOME_SETTINGS"], items=60)
        before = dict(Release.select(Release.id, Release.next_episode_at)
                      .where(Release.next_episode_at.is_null(False)).tuples())
        later = utcnow() + timedelta(days=30)
        assert roll_demo_airing(later) == sum(1 for at in before.values() if at < later)
        after = dict(Release.select(Release.id, Release.next_episode_at)
                     .where(Release.next_episode_at.is_null(False)).tuples())
    for release_id, at in after.items():
        assert later <= at < later + timedelta(days=7)
        assert (at - before[release_id]) % timedelta(days=7) == timedelta(0)


def test_the_tile_is_stable_escaped_and_coloured_by_genre():
    one = tile_svg("<b>Тест & co</b>", ["Экшен", "Драма"])
    assert one == tile_svg("<b>Тест & co</b>", ["Экшен", "Драма"])
    assert "<b>" not in one and "&lt;b&gt;" in one and "Тест &amp;" in one
    assert tile_svg("Same", ["Экшен"]).split("<stop")[1] == tile_svg("Other", ["Экшен"]).split("<stop")[1]
    assert tile_svg("", []).count("<tspan") == 1

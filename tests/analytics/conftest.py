"""A fixture household for analytics: four members, three releases, sessions saved through the
library's own progress service at known times (TIMEZONE Europe/Moscow, UTC+3), and views.

Known answers (local days; see the module docstring of test_known_answers.py):
  alice: A ep1+ep2 (AniDub) Mon 11-02 21:00 local, A ep3 (Subs) started Wed 11-04 01:00 local.
  owner: movie C Tue 11-03 13:00 local; A ep1 Tue 11-10 22:00 local.
  kid (age cap 12): B ep1 Wed 11-04 15:00, B ep2 Thu 11-05 15:00, B ep1 again Thu 11-12 15:00.
  bob: A ep1 Mon 11-09 11:00 local.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from anihome.library import episodes, progress
from anihome.models import (Episode, Genre, Release, ReleaseGenre, ReleaseStudio, Studio,
                            Translation, User, ViewEvent)
from anihome.security.login import session_id_for

from tests.support.teardown import close_app
from tests.conftest import make_app

NOW = datetime(2026, 11, 20, 12, 0, 0)
HASH = "scrypt:32768:8:1$x$" + "0" * 128


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path, TIMEZONE="Europe/Moscow", ANALYTICS_VIEW_FLUSH_SECONDS=0)
    yield app
    close_app(app)


def make_member(username, role="member", age_cap=None):
    return User.create(username=username, username_key=username, password_hash=HASH + username,
                       role=role, age_cap=age_cap, created_at=NOW - timedelta(days=60))


def _release(key, title, kind, total, age, genres, studio):
    release = Release.create(key=key, title=title, sort_title=title.lower(), kind=kind,
                             status="released", episodes_total=total, episodes_aired=total,
                             age_limit=age, first_seen_at=NOW, kodik_updated_at=NOW,
                             updated_at=NOW)
    for name in genres:
        genre, _ = Genre.get_or_create(name=name, defaults={"slug": name.lower()})
        ReleaseGenre.create(release=release, genre=genre)
    found, _ = Studio.get_or_create(name=studio, defaults={"slug": studio.lower()})
    ReleaseStudio.create(release=release, studio=found)
    return release


def _dub(release, kodik_id, team, episodes_count):
    translation = Translation.create(
        kodik_id=kodik_id, release=release, kodik_type="anime-serial", team_id=abs(hash(team)) % 999,
        team=team, link=f"//kodik.test/{kodik_id}/x/720p", last_season=1,
        last_episode=episodes_count, episodes_count=episodes_count, kodik_created_at=NOW,
        kodik_updated_at=NOW, synced_at=NOW)
    if not kodik_id.startswith("movie-"):
        for n in range(1, episodes_count + 1):
            Episode.create(translation=translation, season=1, number=n,
                           link=f"//kodik.test/seria/{translation.id}{n:03d}/h/720p")
    return translation


def watch(user, translation, number, start, minutes, duration_minutes=24, complete=True):
    """One viewing session through the library's own progress service."""
    ref = episodes.ref_for(translation, 1, number)
    duration = duration_minutes * 60
    for step in range(0, minutes, 10):  # the player saves far more often; 10 min keeps one session
        progress.save(user.id, ref, step * 60, duration, now=start + timedelta(minutes=step))
    position = duration if complete else minutes * 60
    progress.save(user.id, ref, position, duration, now=start + timedelta(minutes=minutes))


def view(user, release, at, kind="release"):
    ViewEvent.create(user=user, release=release, kind=kind, at=at)


def build_household():
    owner = make_member("owner", "owner")
    alice = make_member("alice")
    kid = make_member("kid", age_cap=12)
    bob = make_member("bob")
    a = _release("shiki:1", "Атака титанов", "tv", 3, 16, ["Action", "Drama"], "Wit")
    b = _release("shiki:2", "Kids Show", "tv", 2, 6, ["Comedy"], "Toei")
    c = _release("shiki:3", "The Movie", "movie", 1, 12, ["Drama"], "Ghibli")
    a_dub, a_subs = _dub(a, "serial-1", "AniDub", 3), _dub(a, "serial-2", "Subs Team", 3)
    b_dub, c_dub = _dub(b, "serial-3", "AniLibria", 2), _dub(c, "movie-4", "Movie Dub", 1)
    d = datetime
    watch(alice, a_dub, 1, d(2026, 11, 2, 18, 0), 24)
    watch(alice, a_dub, 2, d(2026, 11, 2, 18, 30), 24)
    watch(alice, a_subs, 3, d(2026, 11, 3, 22, 0), 10, complete=False)
    watch(owner, c_dub, 1, d(2026, 11, 3, 10, 0), 90, duration_minutes=90)
    watch(owner, a_dub, 1, d(2026, 11, 10, 19, 0), 24)
    watch(kid, b_dub, 1, d(2026, 11, 4, 12, 0), 20, duration_minutes=20)
    watch(kid, b_dub, 2, d(2026, 11, 5, 12, 0), 20, duration_minutes=20)
    watch(kid, b_dub, 1, d(2026, 11, 12, 12, 0), 20, duration_minutes=20)
    watch(bob, a_dub, 1, d(2026, 11, 9, 8, 0), 24)
    view(alice, a, d(2026, 11, 2, 17, 55))
    view(alice, a, d(2026, 11, 2, 18, 0), "episode")
    view(alice, a, d(2026, 11, 3, 21, 59), "episode")
    view(owner, c, d(2026, 11, 3, 9, 58))
    view(owner, a, d(2026, 11, 10, 18, 58))
    view(kid, b, d(2026, 11, 4, 11, 59))
    view(kid, b, d(2026, 11, 4, 12, 0), "episode")
    return SimpleNamespace(owner=owner, alice=alice, kid=kid, bob=bob, a=a, b=b, c=c,
                           a_dub=a_dub, a_subs=a_subs, b_dub=b_dub, c_dub=c_dub)


@pytest.fixture
def house(db):
    return build_household()


def sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = session_id_for(user)
        session["_fresh"] = True


def csrf_token(client, path="/me/stats") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.fixture
def built(app):
    """The household, rolled up, with no app context left open (so each request signs in afresh)."""
    from anihome.analytics import rollup

    database = app.extensions["anihome.db"]
    with app.app_context(), database.connection_context():
        house = build_household()
        rollup.run("Europe/Moscow", now=NOW)
    return house


def in_db(app, fn):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return fn()


def token_for(app, user) -> dict:
    from anihome.accounts import tokens

    return {"Authorization": "Bearer " + in_db(app, lambda: tokens.create(user, "analytics")[0])}

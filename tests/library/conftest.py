"""Library fixtures: a small catalog inserted directly, members, and a signed-in client."""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from anihome.models import Episode, Release, Translation, User
from tests.support.web import csrf_from, sign_in_as  # noqa: F401  (sign_in_as: used by this folder's tests)

NOW = datetime(2026, 11, 20, 12, 0, 0)
# A real scrypt hash (of a long random password nobody knows); sessions are set directly.
PASSWORD_HASH = ("scrypt:32768:8:1$Hn3VfRFg2yP5YbQk$8b3e7e8c7d0b1f5e0c5c1b7e1fd2c9a4b0a6e2d1c3f4"
                 "a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6")


def make_user(username: str, role: str = "member") -> User:
    return User.create(username=username, username_key=username.lower(), password_hash=PASSWORD_HASH + username,
                       role=role, created_at=NOW)


def make_release(key: str, title: str, shikimori_id: str | None, **fields) -> Release:
    values = dict(key=key, title=title, sort_title=title.lower(), shikimori_id=shikimori_id,
                  first_seen_at=NOW, kodik_updated_at=NOW, updated_at=NOW)
    values.update(fields)
    return Release.create(**values)


def make_translation(release: Release, kodik_id: str, team: str, link: str, **fields) -> Translation:
    values = dict(kodik_id=kodik_id, release=release, kodik_type="anime-serial", team_id=abs(hash(team)) % 1000,
                  team=team, link=link, kodik_created_at=NOW, kodik_updated_at=NOW, synced_at=NOW)
    values.update(fields)
    return Translation.create(**values)


def make_episodes(translation: Translation, season: int, count: int, host: str = "//kodik.test"):
    return [Episode.create(translation=translation, season=season, number=n,
                           link=f"{host}/seria/{translation.id}{season:02d}{n:03d}/abc{n}/720p")
            for n in range(1, count + 1)]


def build_catalog() -> SimpleNamespace:
    """Four releases: a finished 3-episode serial (two dubs, one without episode rows), an
    ongoing serial, a movie, and a release without a shikimori id."""
    serial = make_release("shiki:101", "Finished Serial", "101", kind="tv", status="released",
                          episodes_total=3, episodes_aired=3)
    voice = make_translation(serial, "serial-1", "AniDub", "//kodik.test/serial/1/aaa/720p",
                             last_season=1, last_episode=3, episodes_count=3, voice=True)
    subs = make_translation(serial, "serial-2", "Subs Team", "//kodik.test/serial/2/bbb/720p",
                            last_season=1, last_episode=3, episodes_count=3, voice=False)
    serial_eps = make_episodes(voice, 1, 3)
    ongoing = make_release("shiki:202", "Ongoing Serial", "202", kind="tv", status="ongoing",
                           episodes_total=12, episodes_aired=2)
    ongoing_tr = make_translation(ongoing, "serial-3", "AniLibria", "//kodik.test/serial/3/ccc/720p",
                                  last_season=1, last_episode=2, episodes_count=2)
    ongoing_eps = make_episodes(ongoing_tr, 1, 2)
    movie = make_release("shiki:303", "A Movie", "303", kind="movie", status="released")
    movie_tr = make_translation(movie, "movie-4", "Movie Dub", "//kodik.test/video/4/ddd/720p",
                                kodik_type="anime")
    orphan = make_release("kp:404", "No Shikimori", None, kind="tv", status="released")
    return SimpleNamespace(serial=serial, voice=voice, subs=subs, serial_eps=serial_eps,
                           ongoing=ongoing, ongoing_tr=ongoing_tr, ongoing_eps=ongoing_eps,
                           movie=movie, movie_tr=movie_tr, orphan=orphan)


@pytest.fixture
def cat(db):
    return build_catalog()


@pytest.fixture
def owner(db):
    return make_user("owner", "owner")


@pytest.fixture
def alice(db, owner):
    return make_user("alice")


@pytest.fixture
def bob(db, owner):
    return make_user("bob")


def meta_csrf(client) -> str:
    """A CSRF token valid for ``client``'s session (read from a rendered page's meta tag)."""
    return csrf_from(client.get("/favorites").get_data(as_text=True))

"""A small household with tastes: genres with telling words, members who like some of them,
a kid with an age cap, and a few months of watching with a weekly rhythm."""
from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from anihome.clock import utcnow
from anihome.db import write_transaction
from anihome.models import Favorite, Genre, ListEntry, Release, ReleaseGenre, User, WatchEvent

GENRES = {
    "action": ("экшен", "sword battle samurai duel warrior fight clan blade"),
    "romance": ("романтика", "love school confession heart letter festival date"),
    "comedy": ("комедия", "funny prank club jokes silly laugh chaos"),
}


def _user(name, role="member", age_cap=None):
    return User.create(username=name, username_key=name, password_hash="scrypt:unused:" + name, role=role,
                       age_cap=age_cap, created_at=utcnow())


def build_household(now: datetime | None = None) -> SimpleNamespace:
    now = now or utcnow()
    genres = {slug: Genre.create(name=name, slug=slug) for slug, (name, _) in GENRES.items()}
    releases = {slug: [] for slug in GENRES}
    with write_transaction():
        for slug, (_, words) in GENRES.items():
            for i in range(12):
                kind = "movie" if i == 11 else "tv"
                release = Release.create(
                    key=f"{slug}:{i}", title=f"{slug.title()} {i}", sort_title=f"{slug} {i:02d}", kind=kind,
                    status="ongoing" if i < 3 else "released", year=2010 + i,
                    description=f"{words} {words.split()[i % 5]} story number {i}",
                    rating=6 + (i % 4), votes=100 * (12 - i), duration=100 if kind == "movie" else 24,
                    episodes_aired=12, episodes_total=12, age_limit=18 if i == 5 else (None if i == 6 else 12),
                    popularity=float(12 - i), first_seen_at=now, kodik_updated_at=now, updated_at=now)
                ReleaseGenre.create(release=release, genre=genres[slug])
                releases[slug].append(release)
        owner = _user("owner", "owner")
        alice = _user("alice")
        bob = _user("bob")
        kid = _user("kid", age_cap=12)
        newbie = _user("newbie")

        def entry(user, release, status, score=None):
            ListEntry.create(user=user, release=release, status=status, score=score, created_at=now, updated_at=now)

        for r in releases["action"][:4]:
            entry(alice, r, "completed", 9)
        entry(alice, releases["romance"][0], "dropped", 2)
        entry(alice, releases["comedy"][7], "planned")
        for r in releases["action"][:2] + releases["comedy"][:3]:
            entry(bob, r, "completed", 8)
        entry(bob, releases["comedy"][7], "planned")
        entry(bob, releases["action"][8], "watching")
        for r in releases["comedy"][:2]:
            entry(kid, r, "completed", 10)
        Favorite.create(user=newbie, release=releases["romance"][1], created_at=now)
        # a weekly rhythm: action 0 is watched on Saturdays, comedy 0 every day, for 10 weeks
        for day in range(70):
            when = now - timedelta(days=day + 1)
            if when.weekday() == 5:
                for n in range(3):
                    WatchEvent.create(user=alice, release=releases["action"][0], season=1, number=n + 1,
                                      started_at=when, ended_at=when + timedelta(minutes=24))
            WatchEvent.create(user=bob, release=releases["comedy"][0], season=1, number=1,
                              started_at=when, ended_at=when + timedelta(minutes=20))
    return SimpleNamespace(genres=genres, releases=releases, owner=owner, alice=alice, bob=bob, kid=kid,
                           newbie=newbie)


@pytest.fixture
def house(db):
    return build_household()

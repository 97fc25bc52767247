"""Fixtures for sync tests: a fake Kodik per test, a fast-failing client, a canonical catalog dump."""
from __future__ import annotations

import pytest

from anihome.db import database
from anihome.kodik.client import KodikClient
from tests.support.kodik import FaultyKodik

FAKE_ITEMS = 400


def fast_client(fake, token=None, **options):
    """A client for the fake: no rate limit, short timeouts, quick retries."""
    settings = {"max_rps": 0, "retries": 2, "backoff": 0.01, "timeout": (2, 1.5)}
    settings.update(options)
    return KodikClient(fake.base_url, fake.token if token is None else token, **settings)


def catalog_dump(execute=None) -> dict:
    """Releases, translations and episodes without ids or wall-clock columns, in a stable order.

    ``execute(sql)`` runs a query (default: the bound database; a sqlite3 connection's
    ``execute`` works for a database file written by another process).
    """
    execute = execute or database.execute_sql
    releases = execute(
        'SELECT "key", title, title_orig, title_en, other_titles, sort_title, franchise, kind, status, year, '
        'description, poster_url, episodes_total, rating, votes, age_limit, aired_on, released_on, '
        'next_episode_at, popularity, available, kodik_updated_at, meta_updated_at FROM "release" '
        'ORDER BY "key"').fetchall()
    translations = execute(
        'SELECT t.kodik_id, r."key", t.team_id, t.team, t.voice, t.quality, t.link, t.last_season, '
        't.last_episode, t.episodes_count, t.blocked_seasons, t.available, t.kodik_updated_at '
        'FROM "translation" t JOIN "release" r ON r.id = t.release_id ORDER BY t.kodik_id').fetchall()
    episodes = execute(
        'SELECT t.kodik_id, e.season, e.number, e.title, e.link FROM "episode" e '
        'JOIN "translation" t ON t.id = e.translation_id ORDER BY t.kodik_id, e.season, e.number').fetchall()
    genres = execute(
        'SELECT r."key", g.slug FROM release_genre rg JOIN "release" r ON r.id = rg.release_id '
        'JOIN genre g ON g.id = rg.genre_id ORDER BY 1, 2').fetchall()
    return {"releases": releases, "translations": translations, "episodes": episodes, "genres": genres}


@pytest.fixture
def fake():
    with FaultyKodik(items=FAKE_ITEMS, seed=7) as server:
        yield server


@pytest.fixture
def kodik(fake):
    client = fast_client(fake)
    yield client
    client.close()

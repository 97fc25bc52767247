"""Rate limits that fit a household: a signed-in browser session has its own budgets per kind
of call (typing, progress saves, the rest), so searching never starves the player's progress
saves; bearer tokens keep API_RATE_LIMIT with its headers."""
from __future__ import annotations

import pytest

from anihome.api.ratelimit import EXTENSION, SESSION_EXTENSION, SESSION_GROUPS
from anihome.models import Episode, Release, Translation

from .conftest import FakeClock, bearer, csrf_token, in_db, make_user, new_token, sign_in


@pytest.fixture
def household(tmp_path):
    """API_RATE_LIMIT 3, SESSION_RATE_LIMIT 5, both on fake clocks; one serial to play."""
    from tests.conftest import make_app

    app = make_app(tmp_path, API_RATE_LIMIT=3, SESSION_RATE_LIMIT=5)
    for name in (EXTENSION, SESSION_EXTENSION):
        app.extensions[name].clock = FakeClock()
    make_user(app, "owner", "owner")
    alice = make_user(app, "alice")

    def catalog():
        from datetime import datetime

        now = datetime(2026, 11, 20)
        release = Release.create(key="shiki:7", shikimori_id="7", title="Serial", sort_title="serial",
                                 kind="tv", status="ongoing", first_seen_at=now, kodik_updated_at=now,
                                 updated_at=now, age_limit=0)
        tr = Translation.create(kodik_id="serial-7", release=release, kodik_type="anime-serial", team_id=1,
                                team="Dub", link="//kodik.test/serial/7/a/720p", last_season=1, last_episode=2,
                                episodes_count=2, kodik_created_at=now, kodik_updated_at=now, synced_at=now)
        return Episode.create(translation=tr, season=1, number=1, link="//kodik.test/seria/71/a/720p").id

    episode_id = in_db(app, catalog)
    client = app.test_client()
    sign_in(client, "alice")
    token = csrf_token(client, "/")
    yield app, client, token, episode_id, alice
    app.extensions["anihome.db"].close()


def _save(client, token, episode_id, position=30):
    return client.put("/api/v1/progress", headers={"X-CSRFToken": token},
                      json={"episode_id": episode_id, "position": position, "duration": 1440})


def test_searching_until_refused_never_refuses_a_progress_save(household):
    app, client, token, episode_id, _ = household
    answers = [client.get("/api/v1/autocomplete?q=se") for _ in range(7)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    assert answers[-1].headers["Retry-After"] == "60"
    assert client.get("/api/v1/search?q=serial").status_code == 429  # same "typing" budget
    saves = [_save(client, token, episode_id, 30 + n) for n in range(5)]
    assert [s.status_code for s in saves] == [200] * 5
    assert saves[0].headers["X-RateLimit-Limit"] == "5"
    assert saves[0].headers["X-RateLimit-Remaining"] == "4"
    assert client.get("/api/v1/me").status_code == 200  # "other" has its own budget too


def test_progress_saves_have_a_bounded_budget_of_their_own(household):
    app, client, token, episode_id, _ = household
    assert [_save(client, token, episode_id).status_code for _ in range(6)] == [200] * 5 + [429]
    app.extensions[SESSION_EXTENSION].clock.advance(60)
    assert _save(client, token, episode_id).status_code == 200


def test_bearer_tokens_keep_api_rate_limit_and_its_headers_apart_from_the_session(household):
    app, client, token, episode_id, alice = household
    plain = new_token(app, alice)
    other = app.test_client()
    answers = [other.get("/api/v1/autocomplete?q=se", headers=bearer(plain)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "3"
    assert answers[0].headers["X-RateLimit-Remaining"] == "2"
    assert answers[-1].headers["Retry-After"] == "60"
    # the member's browser is untouched by their token's calls
    assert client.get("/api/v1/autocomplete?q=se").headers["X-RateLimit-Remaining"] == "4"


def test_two_members_sessions_have_separate_budgets(household):
    app, client, token, episode_id, _ = household
    make_user(app, "bob")
    bob = app.test_client()
    sign_in(bob, "bob")
    for _ in range(5):
        client.get("/api/v1/autocomplete?q=se")
    assert client.get("/api/v1/autocomplete?q=se").status_code == 429
    assert bob.get("/api/v1/autocomplete?q=se").status_code == 200


def test_every_session_group_names_a_real_api_endpoint(household):
    app = household[0]
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(SESSION_GROUPS) <= endpoints
    assert set(SESSION_GROUPS.values()) == {"typing", "progress"}


def test_session_rate_limit_zero_turns_the_session_budgets_off(tmp_path):
    from tests.conftest import make_app

    app = make_app(tmp_path, SESSION_RATE_LIMIT=0, API_RATE_LIMIT=2)
    make_user(app, "owner", "owner")
    make_user(app, "alice")
    client = app.test_client()
    sign_in(client, "alice")
    answers = [client.get("/api/v1/autocomplete?q=se") for _ in range(20)]
    assert all(a.status_code == 200 for a in answers)
    assert "X-RateLimit-Limit" not in answers[-1].headers
    app.extensions["anihome.db"].close()


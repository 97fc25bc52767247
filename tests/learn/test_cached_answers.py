"""The For-you and tonight answers are cached (the API and the pages share the entries), and
dropped the moment what they were computed from changes: a member's list, their account, a
nightly run. Through HTTP, with the app's real cache."""
from __future__ import annotations

from anihome.accounts import tokens
from anihome.jobs.runner import run_job
from anihome.library import lists
from anihome.models import User


def _api(app, user):
    plaintext, _ = tokens.create(user, "test")
    client = app.test_client()
    return client, {"Authorization": f"Bearer {plaintext}"}


def test_a_cached_for_you_answer_drops_a_title_the_member_then_completes(app, house):
    assert run_job(app, "learn").status == "succeeded"
    client, auth = _api(app, house.bob)
    first = client.get("/api/v1/recommendations?limit=5", headers=auth).get_json()["items"]
    assert client.get("/api/v1/recommendations?limit=5", headers=auth).get_json()["items"] == first
    top = first[0]["release"]["id"]
    lists.set_entry(house.bob.id, top, {"status": "completed"})
    again = client.get("/api/v1/recommendations?limit=5", headers=auth).get_json()["items"]
    assert top not in [item["release"]["id"] for item in again]


def test_a_cached_tonight_shortlist_follows_the_members_lists_and_age_caps(app, house):
    assert run_job(app, "learn").status == "succeeded"
    client, auth = _api(app, house.alice)
    body = {"members": [house.alice.id, house.bob.id], "minutes": 60}
    first = client.post("/api/v1/tonight", json=body, headers=auth).get_json()["items"]
    planned = house.releases["comedy"][7].id
    assert first[0]["release"]["id"] == planned and first[0]["episodes"] == 2
    longer = client.post("/api/v1/tonight", json={**body, "minutes": 120}, headers=auth).get_json()["items"]
    assert longer[0]["release"]["id"] == planned and longer[0]["episodes"] == 5   # minutes apply to the cached list
    lists.set_entry(house.bob.id, planned, {"status": "dropped"})
    after = client.post("/api/v1/tonight", json=body, headers=auth).get_json()["items"]
    assert planned not in [p["release"]["id"] for p in after]
    from anihome import events
    User.update(age_cap=12).where(User.id == house.alice.id).execute()
    events.user_changed.send(None, user_id=house.alice.id)
    capped = client.post("/api/v1/tonight", json=body, headers=auth).get_json()["items"]
    assert capped and all(p["release"]["age_limit"] is not None and p["release"]["age_limit"] <= 12 for p in capped)

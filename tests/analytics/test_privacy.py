"""The privacy rule: one's own detail always; admins see another member's detail only when
that member shares it (off by default for adults, on for members with an age cap)."""
from anihome.analytics import privacy

from .conftest import csrf_token, in_db, sign_in, token_for


def _member(app, client, viewer, target):
    return client.get(f"/api/v1/analytics/members/{target.id}", headers=token_for(app, viewer))


def test_an_adults_detail_is_private_until_they_share_it(app, client, built):
    refused = _member(app, client, built.owner, built.alice)
    assert refused.status_code == 403 and refused.get_json()["error"]["field"] == "id"
    in_db(app, lambda: privacy.set_share(built.alice.id, True))
    body = _member(app, client, built.owner, built.alice).get_json()
    assert body["username"] == "alice" and body["periods"]["all"]["episodes"] == 2


def test_a_capped_members_detail_is_shared_by_default_and_can_be_withdrawn(app, client, built):
    assert _member(app, client, built.owner, built.kid).status_code == 200
    in_db(app, lambda: privacy.set_share(built.kid.id, False))
    assert _member(app, client, built.owner, built.kid).status_code == 403


def test_members_see_their_own_detail_but_never_anothers(app, client, built):
    assert _member(app, client, built.alice, built.alice).status_code == 200
    in_db(app, lambda: privacy.set_share(built.alice.id, True))
    assert _member(app, client, built.bob, built.alice).status_code == 403
    assert _member(app, client, built.owner, built.owner).status_code == 200
    missing = client.get("/api/v1/analytics/members/99999", headers=token_for(app, built.owner))
    assert missing.status_code == 404 and missing.get_json()["error"]["field"] == "id"


def test_the_admin_members_page_shows_numbers_only_for_members_who_share(app, client, built):
    sign_in(client, built.owner)
    html = client.get("/admin/analytics/members").get_data(as_text=True)
    assert html.count("not shared") == 2  # alice and bob; kid shares by default, owner is oneself
    assert f'/admin/analytics/members/{built.kid.id}"' in html
    assert f'/admin/analytics/members/{built.alice.id}"' not in html
    assert client.get(f"/admin/analytics/members/{built.alice.id}").status_code == 403
    assert client.get(f"/admin/analytics/members/{built.kid.id}").status_code == 200


def test_a_member_turns_sharing_on_from_the_stats_page_and_the_household_sees_their_year(app, client, built):
    sign_in(client, built.alice)
    token = csrf_token(client)
    response = client.post("/me/stats/sharing", data={"share": "on", "csrf_token": token})
    assert response.status_code == 303
    assert in_db(app, lambda: privacy.shares(built.alice)) is True
    bob = app.test_client()
    sign_in(bob, built.bob)
    assert bob.get(f"/members/{built.alice.id}/year/2026").status_code == 200
    client.post("/me/stats/sharing", data={"share": "off", "csrf_token": token})
    assert bob.get(f"/members/{built.alice.id}/year/2026").status_code == 403


def test_a_bad_sharing_value_changes_nothing(app, client, built):
    sign_in(client, built.alice)
    client.post("/me/stats/sharing", data={"share": "maybe", "csrf_token": csrf_token(client)})
    assert in_db(app, lambda: privacy.shares(built.alice)) is False


def test_a_shared_year_never_names_titles_beyond_the_readers_age_cap(app, client, built):
    in_db(app, lambda: privacy.set_share(built.alice.id, True))
    sign_in(client, built.kid)  # age cap 12; alice watched a 16+ title
    html = client.get(f"/members/{built.alice.id}/year/2026").get_data(as_text=True)
    assert "Атака титанов" not in html
    owner = app.test_client()
    sign_in(owner, built.owner)
    assert "Атака титанов" in owner.get(f"/members/{built.alice.id}/year/2026").get_data(as_text=True)

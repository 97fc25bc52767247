"""The analytics API: who may call what, answers on the fixture household, bad input named."""
import pytest

from .conftest import token_for

ADMIN_ROUTES = ["/api/v1/analytics/views", "/api/v1/analytics/top", "/api/v1/analytics/cohorts",
                "/api/v1/analytics/reports/views"]


def test_every_analytics_route_refuses_anonymous_calls(client, built):
    for url in ADMIN_ROUTES + ["/api/v1/me/stats", f"/api/v1/analytics/members/{built.alice.id}"]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.get_json()["error"]["code"]


def test_admin_routes_refuse_members_without_the_role(app, client, built):
    headers = token_for(app, built.alice)
    for url in ADMIN_ROUTES:
        assert client.get(url, headers=headers).status_code == 403, url
    assert client.get("/api/v1/me/stats", headers=headers).status_code == 200


def test_views_answer_per_week_for_the_owner(app, client, built):
    body = client.get("/api/v1/analytics/views?from=2026-11-02&to=2026-11-15&group=week",
                      headers=token_for(app, built.owner)).get_json()
    assert body["group"] == "week"
    assert [(i["day"], i["episodes"], i["active_members"]) for i in body["items"]] == [
        ("2026-11-02", 5, 3), ("2026-11-09", 3, 3)]


def test_top_and_cohorts_answer_for_the_owner(app, client, built):
    headers = token_for(app, built.owner)
    top = client.get("/api/v1/analytics/top?period=all&by=members&limit=2", headers=headers).get_json()
    assert [(i["title"], i["members"]) for i in top["items"]] == [("Атака титанов", 3), ("Kids Show", 1)]
    cohorts = client.get("/api/v1/analytics/cohorts?type=first_view&from=2026-10-01&to=2026-11-20",
                         headers=headers).get_json()
    assert cohorts["cohorts"][0]["cohort"] == "2026-11-02" and cohorts["cohorts"][0]["size"] == 3


def test_my_stats_are_my_own(app, client, built):
    body = client.get("/api/v1/me/stats", headers=token_for(app, built.kid)).get_json()
    assert body["periods"]["all"]["episodes"] == 3
    assert body["longest_streak"] == {"days": 2, "first": "2026-11-04", "last": "2026-11-05"}
    assert body["sharing"] is True  # a member with an age cap shares by default


@pytest.mark.parametrize("query, field", [
    ("from=2026-13-01", "from"), ("to=yesterday", "to"), ("from=2026-11-10&to=2026-11-01", "from"),
    ("from=2015-01-01&to=2026-01-01", "to"), ("group=year", "group"),
])
def test_views_name_the_bad_field(app, client, built, query, field):
    response = client.get(f"/api/v1/analytics/views?{query}", headers=token_for(app, built.owner))
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


@pytest.mark.parametrize("url, field", [
    ("/api/v1/analytics/top?period=week", "period"), ("/api/v1/analytics/top?by=likes", "by"),
    ("/api/v1/analytics/top?limit=0", "limit"), ("/api/v1/analytics/cohorts?type=signup", "type"),
    ("/api/v1/analytics/cohorts?period=day", "period"),
    ("/api/v1/analytics/reports/views?format=docx", "format"),
])
def test_other_routes_name_the_bad_field(app, client, built, url, field):
    response = client.get(url, headers=token_for(app, built.owner))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == field
    if field == "format":
        assert "csv, json, xlsx, pdf" in error["message"]


def test_an_unknown_report_is_404_naming_it(app, client, built):
    response = client.get("/api/v1/analytics/reports/everything", headers=token_for(app, built.owner))
    assert response.status_code == 404 and response.get_json()["error"]["field"] == "name"

"""The learning area through HTTP: the For-you row and its experiment, similar titles, the
tonight planner, forecasts, experiments, bad input, and the pages in a real browser."""
from __future__ import annotations

from anihome.jobs.runner import run_job
from anihome.learn import experiments
from anihome.models import Experiment, ExperimentExposure, ForYouOpen
from tests.support.web import csrf_from, sign_in_as


def _client(app, user):
    return sign_in_as(app.test_client(), user)


def test_home_shows_the_for_you_row_with_reasons_and_records_exposure_and_conversion(app, house):
    assert run_job(app, "learn").status == "succeeded"
    client = _client(app, house.alice)
    html = client.get("/").get_data(as_text=True)
    assert "For you" in html and "Because you watched Action" in html
    experiment = Experiment.get(Experiment.name == experiments.BUILTIN)
    exposure = ExperimentExposure.get(ExperimentExposure.user == house.alice.id)
    assert exposure.variant == experiments.variant_for(experiment, house.alice.id)
    target = house.releases["action"][8].id
    answer = client.get(f"/foryou/open/{target}")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/releases/{target}")
    assert ForYouOpen.select().where(ForYouOpen.user == house.alice.id).count() == 1


def test_the_release_page_lists_similar_titles_within_the_cap(app, house):
    client = _client(app, house.kid)
    html = client.get(f"/releases/{house.releases['comedy'][0].id}").get_data(as_text=True)
    assert "Similar titles" in html
    assert "Comedy 5" not in html.split("Similar titles", 1)[1]  # 18+
    assert "Comedy 6" not in html.split("Similar titles", 1)[1]  # unrated


def test_the_api_serves_recommendations_similar_titles_and_tonight(app, house):
    assert run_job(app, "learn").status == "succeeded"
    client = _client(app, house.bob)
    recs = client.get("/api/v1/recommendations?limit=5").get_json()["items"]
    assert 0 < len(recs) <= 5 and {"release", "reason", "reason_release"} <= set(recs[0])
    similar = client.get(f"/api/v1/releases/{house.releases['action'][0].id}/similar").get_json()["items"]
    assert similar and all("id" in card for card in similar)
    token = csrf_from(client.get("/").get_data(as_text=True))
    both = {"members": [house.alice.id, house.bob.id], "minutes": 60}
    picks = client.post("/api/v1/tonight", json=both, headers={"X-CSRFToken": token}).get_json()["items"]
    first = picks[0]
    assert first["release"]["id"] == house.releases["comedy"][7].id  # both planned it
    assert sorted(first["listed_by"]) == ["alice", "bob"] and first["episodes"] == 2 and first["fits"]


def test_tonight_keeps_to_the_strictest_age_cap_present(app, house):
    assert run_job(app, "learn").status == "succeeded"
    client = _client(app, house.kid)
    html = client.get(f"/tonight?members={house.kid.id}&members={house.alice.id}&minutes=100").get_data(as_text=True)
    assert "Picks" in html
    from anihome.learn import tonight
    picks = tonight.plan([house.kid, house.alice], 100)
    assert picks and all(p.release["age_limit"] is not None and p.release["age_limit"] <= 12 for p in picks)


def test_bad_input_gets_a_clear_400_naming_the_field(app, house):
    client = _client(app, house.owner)
    token = csrf_from(client.get("/").get_data(as_text=True))
    headers = {"X-CSRFToken": token}
    release = house.releases["action"][0].id

    def field(response):
        assert response.status_code == 400, response.get_data(as_text=True)
        return response.get_json()["error"]["field"]

    assert field(client.get(f"/api/v1/analytics/predictions/{release}?days=0")) == "days"
    assert field(client.get(f"/api/v1/analytics/predictions/{release}?days=91")) == "days"
    assert field(client.post("/api/v1/tonight", json={"members": [999], "minutes": 30}, headers=headers)) == "members"
    assert field(client.post("/api/v1/tonight", json={"members": [2 ** 90], "minutes": 30}, headers=headers)) == "members"
    assert field(client.post("/api/v1/tonight", json={"members": [house.alice.id], "minutes": 0},
                             headers=headers)) == "minutes"
    assert field(client.post("/api/v1/experiments", json={"name": "x", "variants": [], "metric": "foryou_open"},
                             headers=headers)) == "variants"
    zero = [{"name": "a", "weight": 0}, {"name": "b", "weight": 0}]
    assert field(client.post("/api/v1/experiments", json={"name": "x", "variants": zero, "metric": "foryou_open"},
                             headers=headers)) == "variants"
    assert client.get("/api/v1/experiments/4242/results").status_code == 404
    assert Experiment.select().count() == 0


def test_experiments_report_not_enough_data_then_a_p_value(app, house):
    client = _client(app, house.owner)
    headers = {"X-CSRFToken": csrf_from(client.get("/").get_data(as_text=True))}
    body = {"name": "row-order", "variants": [{"name": "control", "weight": 1}, {"name": "test", "weight": 1}],
            "metric": "foryou_open", "min_sample": 2}
    created = client.post("/api/v1/experiments", json=body, headers=headers)
    assert created.status_code == 201
    experiment_id = created.get_json()["id"]
    assert client.post("/api/v1/experiments", json=body, headers=headers).status_code == 409
    first = client.get(f"/api/v1/experiments/{experiment_id}/results").get_json()
    assert first["enough_data"] is False and first["p_value"] is None
    row = Experiment.get_by_id(experiment_id)
    from anihome.models import User
    from anihome.clock import utcnow
    users = [User.create(username=f"u{i}", username_key=f"u{i}", password_hash="x", role="member",
                         created_at=utcnow()) for i in range(40)]
    for user in users:
        experiments.expose("row-order", user.id)
        if experiments.variant_for(row, user.id) == "test" or user.id % 4 == 0:
            experiments.convert("row-order", user.id)
    result = client.get(f"/api/v1/experiments/{experiment_id}/results").get_json()
    assert result["enough_data"] is True and 0 <= result["p_value"] <= 1
    rates = {v["name"]: v["rate"] for v in result["variants"]}
    assert rates["test"] == 1.0 and rates["control"] < 0.6
    assert result["variants"][1]["diff_ci"][0] > 0
    stopped = client.post(f"/api/v1/experiments/{experiment_id}/stop", headers=headers).get_json()
    assert stopped["status"] == "stopped"
    assert experiments.expose("row-order", users[0].id) is None


def test_members_cannot_reach_experiments_forecasts_or_the_learning_page(app, house):
    client = _client(app, house.alice)
    assert client.get("/api/v1/experiments").status_code == 403
    assert client.get(f"/api/v1/analytics/predictions/{house.releases['action'][0].id}?days=7").status_code == 403
    assert client.get("/admin/learn").status_code == 403


def test_the_learning_page_shows_both_forecast_errors_and_the_experiment(app, house):
    assert run_job(app, "learn").status == "succeeded"
    client = _client(app, house.owner)
    html = client.get("/admin/learn").get_data(as_text=True)
    assert "Seasonal naive" in html and "Ridge regression" in html
    assert experiments.BUILTIN in html
    prediction = client.get(f"/api/v1/analytics/predictions/{house.releases['action'][0].id}?days=14").get_json()
    assert prediction["model"] in ("ridge", "seasonal_naive") and prediction["low"] <= prediction["expected"]
    assert 0 < prediction["expected"] <= prediction["high"]


def test_for_you_and_tonight_in_a_real_browser(app, house, live_server, page, browser_sign_in):
    assert run_job(app, "learn").status == "succeeded"
    browser_sign_in(page, house.bob)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/")
    row = page.locator("#row-foryou")
    assert row.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("section[aria-labelledby=row-foryou] a.rcard-link").first.click()
    page.wait_for_url("**/releases/*")
    page.goto(live_server + "/tonight")
    page.locator(f"input[name=members][value='{house.alice.id}']").check()
    page.fill("input[name=minutes]", "60")
    page.get_by_role("button", name="Suggest").click()
    page.wait_for_selector(".pick")
    assert "2 × 24 min fits" in page.locator(".pick").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_for_you_tonight_and_the_library_api_speak_the_members_title_language(app, house):
    from anihome.accounts.users import set_title_language
    from anihome.models import Release

    Release.update(title_en="EN " + Release.title, title_orig="JP " + Release.title).execute()
    set_title_language(house.alice.id, "en")
    assert run_job(app, "learn").status == "succeeded"
    client = _client(app, house.alice)
    html = client.get("/").get_data(as_text=True)
    assert "Because you watched EN Action" in html and "Because you watched Action" not in html
    recs = client.get("/api/v1/recommendations?limit=5").get_json()["items"]
    assert recs and all(r["release"]["display_title"] == "EN " + r["release"]["title"] for r in recs)
    similar = [r for r in recs if r["reason_release"]]
    assert similar and similar[0]["reason_release"]["display_title"].startswith("EN Action")
    entries = client.get("/api/v1/lists?status=completed").get_json()["items"]
    assert entries and all(e["release"]["display_title"] == "EN " + e["release"]["title"] for e in entries)
    set_title_language(house.bob.id, "romaji")
    token = csrf_from(client.get("/").get_data(as_text=True))
    both = {"members": [house.alice.id, house.bob.id], "minutes": 60}
    picks = client.post("/api/v1/tonight", json=both, headers={"X-CSRFToken": token}).get_json()["items"]
    assert picks[0]["release"]["display_title"] == "EN Comedy 7"   # the caller's language, not bob's
    page = client.get(f"/tonight?members={house.alice.id}&members={house.bob.id}&minutes=60").get_data(as_text=True)
    assert "EN Comedy 7" in page

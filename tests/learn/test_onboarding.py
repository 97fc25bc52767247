"""First-visit onboarding: a member with no history is offered a page of popular titles under
their age cap, grouped by genre, picks 3-10 (or skips, remembered), and For you follows the
picks at once, before the next nightly run. Real SQLite, HTTP through the app, and chromium
at 390 px with the keyboard and with JavaScript off."""
from __future__ import annotations

from datetime import timedelta

import pytest

from anihome.clock import utcnow
from anihome.errors import AppError
from anihome.jobs.runner import run_job
from anihome.learn import onboarding, recommendations
from anihome.models import Favorite, Onboarding, User
from tests.support.web import csrf_from, sign_in_as


def _fresh(name="fresh", age_cap=None) -> User:
    return User.create(username=name, username_key=name, password_hash="scrypt:unused:" + name, role="member",
                       age_cap=age_cap, created_at=utcnow())


def test_only_a_member_with_no_history_and_no_answer_is_offered_the_picker(app, house):
    fresh = _fresh()
    assert onboarding.should_offer(fresh.id)
    assert not onboarding.should_offer(house.newbie.id)   # has a favourite
    assert not onboarding.should_offer(house.alice.id)    # has lists
    onboarding.skip(fresh)
    assert not onboarding.should_offer(fresh.id)
    assert Onboarding.get(Onboarding.user == fresh.id).status == "skipped"


def test_the_groups_hold_popular_titles_under_the_cap_each_title_once(app, house):
    kid = _fresh("kidfresh", age_cap=12)
    groups = onboarding.groups(kid.age_cap)
    ids = [card["id"] for group in groups for card in group.cards]
    assert {g.slug for g in groups} == {"action", "romance", "comedy"}
    assert len(ids) == len(set(ids))
    banned = {house.releases[slug][i].id for slug in house.releases for i in (5, 6)}  # 18+ and unrated
    assert ids and not banned & set(ids)
    action = next(g for g in groups if g.slug == "action")
    assert [c["id"] for c in action.cards][:2] == [house.releases["action"][0].id, house.releases["action"][1].id]


def test_bad_picks_are_refused_naming_the_field_and_change_nothing(app, house):
    kid = _fresh("kidfresh", age_cap=12)
    romance = [r.id for r in house.releases["romance"]]
    for picks in (romance[:2], romance[:11], ["x", "y", "z"], "12", [romance[0], romance[1], romance[5]],
                  [romance[0], romance[1], 987654]):
        with pytest.raises(AppError) as refused:
            onboarding.save_picks(kid, picks)
        assert refused.value.field == "picks"
    assert not Favorite.select().where(Favorite.user == kid.id).exists()
    assert onboarding.answer(kid.id) is None


def test_picks_become_favourites_and_for_you_follows_them_before_the_nightly_run(app, house):
    fresh = _fresh()
    assert run_job(app, "learn").status == "succeeded"   # a list without taste is stored for fresh
    stored = recommendations.for_member(fresh, 12)
    assert stored and {r.reason for r in stored} <= {"popular", "household"}
    picks = [house.releases["romance"][i].id for i in (0, 2, 3)]
    later = utcnow() + timedelta(seconds=1)
    assert onboarding.save_picks(fresh, [str(p) for p in picks], now=later) == 3
    assert {f.release_id for f in Favorite.select().where(Favorite.user == fresh.id)} == set(picks)
    now_recs = recommendations.for_member(fresh, 12)
    romance = {r.id for r in house.releases["romance"]}
    assert now_recs and all(r.reason == "genre" for r in now_recs)
    assert {r.release["id"] for r in now_recs} <= romance - set(picks)
    onboarding.skip(fresh)                                   # a later skip does not undo the picks
    assert onboarding.answer(fresh.id).status == "done"


def test_home_offers_the_picker_once_and_the_form_saves_or_skips(app, house):
    fresh = _fresh()
    client = sign_in_as(app.test_client(), fresh)
    home = client.get("/").get_data(as_text=True)
    assert "New here? Pick a few favourites" in home
    page = client.get("/welcome").get_data(as_text=True)
    assert 'name="picks"' in page and "Pick a few favourites" in page
    token = csrf_from(page)
    picks = [str(house.releases["comedy"][i].id) for i in (0, 1)]
    refused = client.post("/welcome", data={"csrf_token": token, "picks": picks})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Pick from 3 to 10 titles." in text and text.count("checked") >= 2
    saved = client.post("/welcome", data={"csrf_token": token, "picks": picks + [str(house.releases["comedy"][2].id)]})
    assert saved.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "New here?" not in home and "Popular in genres you like" in home and "added to your favourites" in home


def test_skipping_is_remembered_and_the_picker_stays_reachable_from_the_account_page(app, house):
    client = sign_in_as(app.test_client(), _fresh())
    skipped = client.post("/welcome/skip", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    assert skipped.status_code == 302
    assert "New here?" not in client.get("/").get_data(as_text=True)
    assert 'href="/welcome"' in client.get("/account/").get_data(as_text=True)


def test_the_picker_is_translated_into_russian(app, house):
    fresh = _fresh()
    client = sign_in_as(app.test_client(), fresh)
    page = client.get("/welcome", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Выберите любимые тайтлы" in page and "Сохранить" in page and "Пропустить" in page
    assert "Pick a few favourites" not in page


def test_the_picker_in_a_browser_at_390_px_with_the_keyboard(app, house, live_server, page, browser_sign_in):
    fresh = _fresh()
    browser_sign_in(page, fresh)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/")
    page.get_by_role("link", name="Pick favourites").first.click()
    page.wait_for_url("**/welcome")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    boxes = page.locator("input[name=picks]")
    boxes.first.focus()
    page.keyboard.press("Space")
    assert "1 picked" in page.locator("#ob-count").inner_text()
    for _ in range(2):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
    assert boxes.evaluate_all("els => els.filter(e => e.checked).length") == 3
    assert "ready to save" in page.locator("#ob-count").inner_text()
    page.get_by_role("button", name="Save my picks").click()
    page.wait_for_selector("#row-foryou")
    assert "Popular in genres you like" in page.locator("section[aria-labelledby=row-foryou]").inner_text()
    assert page.locator("#welcome-offer-head").count() == 0
    assert Favorite.select().where(Favorite.user == fresh.id).count() == 3


def test_the_picker_works_without_javascript(app, house, live_server, browser, browser_sign_in):
    fresh = _fresh()
    context = browser.new_context(locale="en-US", java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    try:
        browser_sign_in(tab, fresh)
        tab.set_viewport_size({"width": 390, "height": 844})
        tab.goto(live_server + "/welcome")
        boxes = tab.locator("input[name=picks]")
        for i in range(4):
            boxes.nth(i).check()
        tab.get_by_role("button", name="Save my picks").click()
        tab.wait_for_selector("#row-foryou")
        assert Favorite.select().where(Favorite.user == fresh.id).count() == 4
        tab.goto(live_server + "/welcome")
        tab.get_by_role("button", name="Skip").click()
        tab.wait_for_url(live_server + "/")
        assert onboarding.answer(fresh.id).status == "done"
    finally:
        context.close()

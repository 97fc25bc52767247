"""Known answers on the fixture household (see conftest.py for every session and view).

Days are Moscow days (UTC+3): alice's session at 22:00 UTC on 11-03 belongs to Wednesday
11-04 at 01:00, and her view at 21:59 UTC to 11-04 as well.
"""
from datetime import date, datetime, timedelta

from anihome.analytics import cohorts, completion, dashboard, member_stats, rollup
from anihome.library import lists
from anihome.models import DailyDub, DailyHour, DailyMember, DailyRelease

from .conftest import make_member

TODAY = date(2026, 11, 20)
D = date


def _members():
    return {(r.day, r.user_id): (r.views, r.starts, r.watch_seconds, r.episodes, r.sessions, r.releases)
            for r in DailyMember.select()}


def test_rollup_sums_each_member_day_in_the_household_time_zone(house):
    rollup.run("Europe/Moscow")
    alice, owner, kid, bob = house.alice.id, house.owner.id, house.kid.id, house.bob.id
    assert _members() == {
        (D(2026, 11, 2), alice): (2, 1, 2880, 2, 2, 1),
        (D(2026, 11, 4), alice): (1, 1, 600, 0, 1, 1),
        (D(2026, 11, 3), owner): (1, 0, 5400, 1, 1, 1),
        (D(2026, 11, 10), owner): (1, 0, 1440, 1, 1, 1),
        (D(2026, 11, 4), kid): (2, 1, 1200, 1, 1, 1),
        (D(2026, 11, 5), kid): (0, 0, 1200, 1, 1, 1),
        (D(2026, 11, 12), kid): (0, 0, 1200, 1, 1, 1),
        (D(2026, 11, 9), bob): (0, 0, 1440, 1, 1, 1),
    }


def test_rollup_counts_distinct_members_per_release_day_and_splits_dubs_and_hours(house):
    rollup.run("Europe/Moscow")
    a = {(r.day, r.release_id): (r.views, r.watch_seconds, r.episodes, r.members)
         for r in DailyRelease.select().where(DailyRelease.release == house.a.id)}
    assert a == {(D(2026, 11, 2), house.a.id): (2, 2880, 2, 1), (D(2026, 11, 4), house.a.id): (1, 600, 0, 1),
                 (D(2026, 11, 9), house.a.id): (0, 1440, 1, 1), (D(2026, 11, 10), house.a.id): (1, 1440, 1, 1)}
    dubs = {(r.translation_id, r.watch_seconds, r.episodes)
            for r in DailyDub.select().where(DailyDub.user == house.alice.id)}
    assert dubs == {(house.a_dub.id, 2880, 2), (house.a_subs.id, 600, 0)}
    hours = {(r.day, r.hour, r.watch_seconds) for r in DailyHour.select().where(DailyHour.user == house.alice.id)}
    assert hours == {(D(2026, 11, 2), 21, 2880), (D(2026, 11, 4), 1, 600)}


def test_member_statistics_per_period_favourites_heatmap_and_streak(house):
    rollup.run("Europe/Moscow")
    lists.set_entry(house.alice.id, house.a.id, {"score": 8})
    stats = member_stats.stats(house.alice.id, TODAY)
    assert stats["periods"]["week"]["episodes"] == 0
    assert stats["periods"]["month"] == {"episodes": 2, "watch_seconds": 3480, "hours": 1.0,
                                         "sessions": 3, "active_days": 2}
    assert stats["periods"]["all"]["watch_seconds"] == 3480
    assert stats["mean_score"] == 8.0
    assert stats["completed_titles"] == 0
    assert [g["name"] for g in stats["top_genres"]] == ["Action", "Drama"]
    assert stats["top_studios"] == [{"name": "Wit", "watch_seconds": 3480, "episodes": 2}]
    assert stats["dubs"] == [{"name": "AniDub", "watch_seconds": 2880, "episodes": 2},
                             {"name": "Subs Team", "watch_seconds": 600, "episodes": 0}]
    assert stats["heatmap"][0][21] == 2880 and stats["heatmap"][2][1] == 600
    assert sum(map(sum, stats["heatmap"])) == 3480
    assert stats["longest_streak"]["days"] == 1
    kid = member_stats.stats(house.kid.id, TODAY)
    assert kid["longest_streak"] == {"days": 2, "first": D(2026, 11, 4), "last": D(2026, 11, 5)}
    assert kid["completed_titles"] == 1
    assert kid["periods"]["all"]["episodes"] == 3


def test_all_time_totals_per_member_and_release_carry_progress(house):
    from anihome.models import MemberRelease

    rollup.run("Europe/Moscow")
    row = MemberRelease.get((MemberRelease.user == house.alice.id) & (MemberRelease.release == house.a.id))
    assert (row.views, row.watch_seconds, row.episodes, row.sessions) == (3, 3480, 2, 3)
    assert (row.first_day, row.last_day, row.watched_episodes) == (D(2026, 11, 2), D(2026, 11, 4), 2)
    assert row.last_progress_at == datetime(2026, 11, 3, 22, 10)


def test_year_in_review_sums_the_year(house):
    rollup.run("Europe/Moscow")
    year = member_stats.year_in_review(house.owner.id, 2026)
    assert year["totals"]["watch_seconds"] == 6840 and year["totals"]["episodes"] == 2
    assert [r["title"] for r in year["top_releases"]] == ["The Movie", "Атака титанов"]
    assert year["busiest_month"] == 11 and year["months"][10] == 6840
    assert year["completed_titles"] == 1
    assert member_stats.year_in_review(house.owner.id, 2025)["totals"]["episodes"] == 0
    assert member_stats.years(house.owner.id) == [2026]


def test_dashboard_series_top_content_and_dubs(house):
    rollup.run("Europe/Moscow")
    series = {r["day"]: r for r in dashboard.views_series(D(2026, 11, 2), D(2026, 11, 12))}
    assert len(series) == 11
    assert (series[D(2026, 11, 4)]["views"], series[D(2026, 11, 4)]["watch_seconds"],
            series[D(2026, 11, 4)]["active_members"]) == (3, 1800, 2)
    assert series[D(2026, 11, 6)]["views"] == 0
    weeks = dashboard.views_series(D(2026, 11, 2), D(2026, 11, 12), "week")
    assert [(w["day"], w["episodes"], w["active_members"]) for w in weeks] == [
        (D(2026, 11, 2), 5, 3), (D(2026, 11, 9), 3, 3)]
    by_views = dashboard.top_content(None, TODAY, "views")
    assert [(r["title"], r["value"]) for r in by_views] == [("Атака титанов", 4), ("Kids Show", 2), ("The Movie", 1)]
    by_episodes = dashboard.top_content(None, TODAY, "episodes")
    assert [(r["title"], r["value"]) for r in by_episodes] == [("Атака титанов", 4), ("Kids Show", 3), ("The Movie", 1)]
    by_members = dashboard.top_content(None, TODAY, "members")
    assert [(r["title"], r["value"], r["members"]) for r in by_members] == [
        ("Атака титанов", 3, 3), ("Kids Show", 1, 1), ("The Movie", 1, 1)]
    assert by_views[0]["members"] == 3
    # a short period counts members through the day index, a long one through the release index
    short = dashboard.top_content(D(2026, 11, 1), TODAY, "views")
    year = dashboard.top_content(TODAY - timedelta(days=dashboard.LONG_PERIOD_DAYS), TODAY, "views")
    assert [(r["title"], r["members"]) for r in short] == [(r["title"], r["members"]) for r in year] == [
        ("Атака титанов", 3), ("Kids Show", 1), ("The Movie", 1)]
    assert dashboard.totals(None, TODAY) == {"views": 7, "watch_seconds": 15360, "hours": 4.3,
                                             "episodes": 8, "members": 4}
    assert [d["name"] for d in dashboard.top_dubs(None, TODAY)] == ["AniDub", "Movie Dub", "AniLibria", "Subs Team"]


def test_top_content_respects_the_viewers_age_cap(house):
    rollup.run("Europe/Moscow")
    assert [r["title"] for r in dashboard.top_content(None, TODAY, "views", age_cap=12)] == ["Kids Show", "The Movie"]


def test_retention_matrix_by_first_view_and_by_release_start(house):
    rollup.run("Europe/Moscow")
    first = cohorts.matrix("first_view", D(2026, 10, 1), TODAY, "week", TODAY)
    assert [(c["cohort"], c["size"], c["counts"]) for c in first["cohorts"]] == [
        (D(2026, 11, 2), 3, [3, 2, 0]), (D(2026, 11, 9), 1, [1, 0])]
    assert first["cohorts"][0]["rates"] == [1.0, 0.667, 0.0]
    started = cohorts.matrix("release_start", D(2026, 10, 1), TODAY, "week", TODAY)
    assert [(c["cohort"], c["size"], c["counts"]) for c in started["cohorts"]] == [
        (D(2026, 11, 2), 3, [3, 1, 0]), (D(2026, 11, 9), 2, [2, 0])]
    monthly = cohorts.matrix("first_view", D(2026, 1, 1), TODAY, "month", TODAY)
    assert [(c["cohort"], c["counts"]) for c in monthly["cohorts"]] == [(D(2026, 11, 1), [4])]
    assert cohorts.matrix("first_view", D(2026, 11, 9), TODAY, "week", TODAY)["cohorts"][0]["size"] == 1


def test_completion_and_drop_off_per_release(house):
    rollup.run("Europe/Moscow")
    rows = {r["title"]: r for r in completion.completion(now=datetime(2026, 12, 20))}
    a = rows["Атака титанов"]
    assert (a["started"], a["completed"], a["stopped"], a["dropoff"]) == (3, 0, 3, {1: 2, 2: 1})
    assert (rows["Kids Show"]["completed"], rows["The Movie"]["completion_rate"]) == (1, 1.0)
    fresh = {r["title"]: r for r in completion.completion(now=datetime(2026, 11, 20))}
    assert (fresh["Атака титанов"]["watching"], fresh["Атака титанов"]["stopped"]) == (3, 0)
    risk = completion.at_risk(house.alice.id, now=datetime(2026, 12, 20))
    assert [(r["title"], r["watched"], r["episodes_total"]) for r in risk] == [("Атака титанов", 2, 3)]
    assert completion.at_risk(house.alice.id, now=datetime(2026, 11, 20)) == []


def test_all_time_member_summaries_equal_the_same_answers_from_the_daily_rows(house):
    """The statistics page reads per-member summaries for all time; a range wide enough to hold
    every day reads the daily tables. Both must give the same numbers."""
    rollup.run("Europe/Moscow")
    wide = (D(2000, 1, 1), D(2100, 1, 1))
    for member in (house.owner, house.alice, house.kid, house.bob):
        uid = member.id
        assert member_stats.totals(uid) == member_stats.totals(uid, *wide)
        assert member_stats.dubs(uid) == member_stats.dubs(uid, *wide)
        assert member_stats.heatmap(uid) == member_stats.heatmap(uid, *wide)
        assert member_stats.longest_streak(uid) == member_stats.longest_streak(uid, *wide)
    assert member_stats.years(house.kid.id) == [2026]
    nobody = make_member("new")
    assert member_stats.totals(nobody.id)["episodes"] == 0
    assert member_stats.longest_streak(nobody.id) == {"days": 0, "first": None, "last": None}
    assert member_stats.years(nobody.id) == [] and member_stats.heatmap(nobody.id)[0] == [0] * 24


def test_members_rolled_up_before_the_summaries_existed_get_the_same_statistics(house):
    """A household upgraded to m0022 has daily rows but no summaries until the next roll-up:
    the statistics read the daily rows meanwhile, with the same answers."""
    from anihome.models import MemberDub, MemberHour, MemberSummary

    rollup.run("Europe/Moscow")
    before = member_stats.stats(house.kid.id, TODAY), member_stats.years(house.kid.id)
    for model in (MemberDub, MemberHour, MemberSummary):
        model.delete().execute()
    assert (member_stats.stats(house.kid.id, TODAY), member_stats.years(house.kid.id)) == before
    rollup.run("Europe/Moscow")  # nothing new to roll up: the missing summaries are summed anyway
    assert MemberSummary.select().count() == 4 and MemberHour.select().count() > 0
    assert (member_stats.stats(house.kid.id, TODAY), member_stats.years(house.kid.id)) == before

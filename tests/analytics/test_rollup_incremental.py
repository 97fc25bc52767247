"""The incremental roll-up gives exactly the tables a roll-up from scratch gives, through new
sessions, an open session extended after a run, new views, deleted history and a new day."""
from datetime import datetime, timedelta

from anihome.analytics import rollup
from anihome.jobs.runner import run_job
from anihome.library import history
from anihome.models import JobRun, RollupState, ViewEvent, WatchEvent
from anihome.models.analytics import ROLLUP_TABLES

from .conftest import view, watch

TZ = "Europe/Moscow"


def snapshot():
    tables = {}
    for model in ROLLUP_TABLES:
        columns = [f for f in model._meta.sorted_field_names if f != "id"]
        rows = model.select(*[getattr(model, c) for c in columns]).tuples()
        tables[model._meta.table_name] = sorted(tuple(str(v) for v in row) for row in rows)
    return tables


def scratch_snapshot():
    rollup.run(TZ, full=True, now=datetime(2030, 1, 1))
    return snapshot()


def test_incremental_rollups_equal_a_rollup_from_scratch(house):
    first = rollup.run(TZ, now=datetime(2026, 11, 12, 12, 25))
    assert first.full  # the first run has nothing to continue from
    # New day, new member activity, an open session extended after the run, new views.
    watch(house.alice, house.a_subs, 3, datetime(2026, 11, 13, 18, 0), 24)
    from anihome.library import episodes, progress
    progress.save(house.kid.id, episodes.ref_for(house.b_dub, 1, 1), 1200, 1200,
                  now=datetime(2026, 11, 12, 12, 40))  # extends kid's 12:00 session (same episode)
    view(house.bob, house.c, datetime(2026, 11, 13, 7, 0))
    second = rollup.run(TZ, now=datetime(2026, 11, 13, 19, 0))
    assert not second.full and second.members == 3
    incremental = snapshot()
    assert incremental == scratch_snapshot()


def test_deleted_history_is_rolled_again_for_that_member(house):
    rollup.run(TZ, now=datetime(2026, 11, 13))
    event = WatchEvent.select().where(WatchEvent.user == house.owner.id).order_by(WatchEvent.id).first()
    history.delete(house.owner.id, event.id)  # the movie session: a signal marks owner dirty
    result = rollup.run(TZ, now=datetime(2026, 11, 14))
    assert result.members == 1
    assert snapshot() == scratch_snapshot()


def test_a_run_without_new_events_touches_nothing(house):
    rollup.run(TZ, now=datetime(2026, 11, 13))
    before = snapshot()
    result = rollup.run(TZ, now=datetime(2026, 11, 14))
    assert (result.members, result.days) == (0, 0)
    assert snapshot() == before


def test_changing_the_time_zone_rebuilds_from_scratch(house):
    rollup.run(TZ, now=datetime(2026, 11, 13))
    assert rollup.run("UTC", now=datetime(2026, 11, 14)).full
    assert RollupState.get().timezone == "UTC"


def test_the_rollup_job_records_counts_and_prunes_old_views(app, house):
    ViewEvent.create(user=house.alice, release=house.a, kind="release",
                     at=datetime.now() - timedelta(days=500))
    run = run_job(app, "analytics-rollup")
    assert run.status == "succeeded", run.error
    counts = JobRun.get_by_id(run.id).counts_dict
    assert counts["views_pruned"] == 1 and counts["members"] == 4 and counts["full"] == 1

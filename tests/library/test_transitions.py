"""List statuses follow what a member watches, and respect what the member sets by hand."""
from anihome.library import episodes, lists, progress
from anihome.models import ListEntry

from .conftest import NOW


def watch(user, translation, number, season=1, position=1400, duration=1440, **kw):
    ref = episodes.ref_for(translation, season, number)
    return progress.save(user.id, ref, position, duration, **kw)


def entry(user, release):
    return ListEntry.get((ListEntry.user == user.id) & (ListEntry.release == release.id))


def test_first_watched_episode_puts_the_release_on_watching(cat, alice):
    result = watch(alice, cat.voice, 1)
    assert result.completed_now
    e = entry(alice, cat.serial)
    assert (e.status, e.episodes_watched, e.manual) == ("watching", 1, False)


def test_partial_viewing_is_not_watched_and_changes_no_list(cat, alice):
    result = watch(alice, cat.voice, 1, position=600)
    assert not result.completed_now and not result.progress.watched
    assert lists.get_entry(alice.id, cat.serial.id) is None


def test_ninety_percent_counts_as_watched(cat, alice):
    assert not watch(alice, cat.voice, 1, position=1295, duration=1440).progress.watched
    assert watch(alice, cat.voice, 1, position=1296, duration=1440).progress.watched


def test_the_players_end_event_counts_as_watched_without_a_duration(cat, alice):
    assert watch(alice, cat.voice, 1, position=30, duration=None, watched=True).progress.watched


def test_last_episode_of_a_finished_release_completes_it(cat, alice):
    for n in (1, 2, 3):
        watch(alice, cat.voice, n)
    e = entry(alice, cat.serial)
    assert (e.status, e.episodes_watched, e.rewatch_count) == ("completed", 3, 0)
    assert e.finished_on is not None


def test_last_aired_episode_of_an_ongoing_release_keeps_it_watching(cat, alice):
    for n in (1, 2):
        watch(alice, cat.ongoing_tr, n)
    assert entry(alice, cat.ongoing).status == "watching"


def test_a_movie_completes_in_one_go(cat, alice):
    watch(alice, cat.movie_tr, None, season=None, position=5000, duration=5400)
    assert entry(alice, cat.movie).status == "completed"


def test_watching_again_from_the_first_episode_is_a_rewatch_that_is_counted(cat, alice):
    for n in (1, 2, 3):
        watch(alice, cat.voice, n)
    watch(alice, cat.voice, 1, position=20)  # starts over
    watch(alice, cat.voice, 1, position=1400)
    assert entry(alice, cat.serial).status == "rewatching"
    for n in (2, 3):
        watch(alice, cat.voice, n, position=20)
        watch(alice, cat.voice, n, position=1400)
    e = entry(alice, cat.serial)
    assert (e.status, e.rewatch_count) == ("completed", 1)


def test_saving_the_same_watched_position_again_is_not_another_completion(cat, alice):
    assert watch(alice, cat.voice, 1).completed_now
    assert not watch(alice, cat.voice, 1, position=1420).completed_now


def test_planned_by_hand_moves_to_watching_when_watched(cat, alice):
    lists.set_entry(alice.id, cat.serial.id, {"status": "planned"})
    watch(alice, cat.voice, 1)
    assert entry(alice, cat.serial).status == "watching"


def test_dropped_by_hand_is_an_override_that_watching_does_not_undo(cat, alice):
    lists.set_entry(alice.id, cat.serial.id, {"status": "dropped"})
    watch(alice, cat.voice, 1)
    e = entry(alice, cat.serial)
    assert (e.status, e.manual, e.episodes_watched) == ("dropped", True, 1)


def test_completed_by_hand_is_not_flipped_to_rewatching(cat, alice):
    lists.set_entry(alice.id, cat.serial.id, {"status": "completed"})
    watch(alice, cat.voice, 1)
    assert entry(alice, cat.serial).status == "completed"


def test_member_can_hand_control_back_to_automation(cat, alice):
    lists.set_entry(alice.id, cat.serial.id, {"status": "on_hold"})
    lists.set_entry(alice.id, cat.serial.id, {"manual": False})
    watch(alice, cat.voice, 1)
    assert entry(alice, cat.serial).status == "watching"


def test_unmarking_watched_keeps_the_position(cat, alice):
    watch(alice, cat.voice, 1)
    result = watch(alice, cat.voice, 1, position=700, watched=False)
    assert not result.progress.watched and result.progress.position == 700


def test_progress_is_shared_between_dubs_of_the_same_episode(cat, alice):
    watch(alice, cat.voice, 2, position=300)
    ref = episodes.ref_for(cat.subs, 1, 2)
    assert ref.episode_id is None
    progress.save(alice.id, ref, 400, 1440)
    rows = progress.for_release(alice.id, cat.serial.id)
    assert [(r.number, r.position, r.translation_id) for r in rows] == [(2, 400, cat.subs.id)]
    assert progress.chosen_translation(alice.id, cat.serial.id) == cat.subs.id


def test_score_and_counts_are_validated(cat, alice):
    import pytest

    from anihome.errors import AppError

    for bad, field in (({"status": "binge"}, "status"), ({"status": "watching", "score": 11}, "score"),
                       ({"status": "watching", "rewatch_count": -1}, "rewatch_count"),
                       ({"status": "watching", "started_on": "yesterday"}, "started_on"),
                       ({"score": 5}, "status")):
        with pytest.raises(AppError) as err:
            lists.set_entry(alice.id, cat.serial.id, bad, now=NOW)
        assert err.value.field == field
    assert lists.get_entry(alice.id, cat.serial.id) is None

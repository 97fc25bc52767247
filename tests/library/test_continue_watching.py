"""The continue-watching row: resume part-way episodes, offer the next one, hide and snooze."""
from datetime import timedelta

import pytest

from anihome.errors import AppError
from anihome.library import continue_watching, episodes, progress

from .conftest import NOW


def save(user, translation, number, position, duration=1440, at=NOW):
    progress.save(user.id, episodes.ref_for(translation, 1, number), position, duration, now=at)


def test_a_member_with_no_history_has_an_empty_row(cat, alice):
    assert continue_watching.for_user(alice.id, 12) == []


def test_a_part_watched_episode_is_resumed_at_its_position(cat, alice):
    save(alice, cat.voice, 2, 600)
    [item] = continue_watching.for_user(alice.id, 12)
    assert (item.release.id, item.season, item.episode, item.kind, item.position) == (cat.serial.id, 1, 2, "resume", 600)
    assert item.url == f"/watch/{cat.serial.id}?translation={cat.voice.id}&season=1&episode=2"
    assert item.percent == 41


def test_a_finished_episode_offers_the_next_one(cat, alice):
    save(alice, cat.voice, 1, 1400)
    [item] = continue_watching.for_user(alice.id, 12)
    assert (item.episode, item.kind, item.position) == (2, "next", 0)


def test_a_caught_up_release_leaves_the_row(cat, alice):
    save(alice, cat.ongoing_tr, 2, 1400)
    assert continue_watching.for_user(alice.id, 12) == []


def test_most_recent_first_and_limited(cat, alice):
    save(alice, cat.voice, 1, 100, at=NOW)
    save(alice, cat.ongoing_tr, 1, 100, at=NOW + timedelta(minutes=5))
    assert [i.release.id for i in continue_watching.for_user(alice.id, 12)] == [cat.ongoing.id, cat.serial.id]
    assert len(continue_watching.for_user(alice.id, 1)) == 1


def test_removed_release_comes_back_when_watched_again(cat, alice):
    save(alice, cat.voice, 1, 100)
    continue_watching.hide(alice.id, cat.serial.id, now=NOW)
    assert continue_watching.for_user(alice.id, 12, now=NOW) == []
    save(alice, cat.voice, 1, 200, at=NOW + timedelta(minutes=1))
    assert len(continue_watching.for_user(alice.id, 12)) == 1


def test_snoozed_release_returns_after_the_snooze(cat, alice):
    save(alice, cat.voice, 1, 100)
    continue_watching.hide(alice.id, cat.serial.id, days=3, now=NOW)
    assert continue_watching.for_user(alice.id, 12, now=NOW + timedelta(days=2)) == []
    assert len(continue_watching.for_user(alice.id, 12, now=NOW + timedelta(days=4))) == 1


def test_snooze_length_is_validated(cat, alice):
    with pytest.raises(AppError) as err:
        continue_watching.hide(alice.id, cat.serial.id, days=0)
    assert err.value.field == "days"


def test_another_members_progress_never_shows_in_my_row(cat, alice, bob):
    save(alice, cat.voice, 1, 100)
    assert continue_watching.for_user(bob.id, 12) == []


def test_the_chosen_dub_is_used_for_the_next_episode(cat, alice):
    progress.save(alice.id, episodes.ref_for(cat.subs, 1, 1), 1400, 1440, now=NOW)
    [item] = continue_watching.for_user(alice.id, 12)
    assert (item.translation_id, item.episode) == (cat.subs.id, 2)


def test_next_skips_episodes_already_watched_out_of_order(cat, alice):
    save(alice, cat.voice, 2, 1400, at=NOW)
    save(alice, cat.voice, 1, 1400, at=NOW + timedelta(minutes=1))
    [item] = continue_watching.for_user(alice.id, 12)
    assert (item.episode, item.kind) == (3, "next")
    save(alice, cat.voice, 3, 1400, at=NOW + timedelta(minutes=2))
    assert continue_watching.for_user(alice.id, 12) == []


def test_a_part_watched_next_episode_is_resumed(cat, alice):
    save(alice, cat.voice, 2, 500, at=NOW)
    save(alice, cat.voice, 1, 1400, at=NOW + timedelta(minutes=1))
    [item] = continue_watching.for_user(alice.id, 12)
    assert (item.episode, item.kind, item.position, item.percent) == (2, "next", 500, 34)

"""Marking episodes watched by hand ("I have watched up to episode N") from the release page."""
import pytest

from anihome.errors import AppError, NotFound
from anihome.library import episodes, lists, mark_watched, progress
from anihome.models import ListEntry, WatchEvent, WatchProgress

from .conftest import meta_csrf, sign_in_as


def _watched(user, release):
    return sorted((p.season, p.number) for p in WatchProgress.select().where(
        (WatchProgress.user == user.id) & (WatchProgress.release == release.id) & WatchProgress.watched))


def test_marking_through_an_episode_marks_every_earlier_one_and_starts_watching(cat, alice):
    lists.set_entry(alice.id, cat.serial.id, {"status": "planned"})
    result = mark_watched.watched_through(alice.id, cat.serial.id, cat.voice.id, 1, 2)
    assert result.marked == 2
    assert _watched(alice, cat.serial) == [(1, 1), (1, 2)]
    assert ListEntry.get(ListEntry.user == alice.id).status == "watching"
    assert WatchEvent.select().where(WatchEvent.user == alice.id).count() == 0  # no history


def test_marking_through_the_last_episode_completes_the_release(cat, alice):
    mark_watched.watched_through(alice.id, cat.serial.id, cat.voice.id, 1, 3)
    entry = ListEntry.get(ListEntry.user == alice.id)
    assert entry.status == "completed" and entry.episodes_watched == 3


def test_marking_keeps_a_later_episodes_saved_position_and_counts_only_new_marks(cat, alice):
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 1), 1440, 1440)
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 3), 600, 1440)
    result = mark_watched.watched_through(alice.id, cat.serial.id, cat.voice.id, 1, 2)
    assert result.marked == 1
    later = progress.get(alice.id, cat.serial.id, 1, 3)
    assert later.position == 600 and not later.watched


def test_marking_refuses_another_releases_translation_a_missing_episode_and_a_capped_release(cat, alice):
    with pytest.raises(NotFound):
        mark_watched.watched_through(alice.id, cat.serial.id, cat.movie_tr.id, 1, 1)
    with pytest.raises(AppError) as missing:
        mark_watched.watched_through(alice.id, cat.serial.id, cat.voice.id, 1, 9)
    assert missing.value.field == "episode"
    with pytest.raises(NotFound):  # unknown age rating is hidden from a capped member
        mark_watched.watched_through(alice.id, cat.serial.id, cat.voice.id, 1, 1, age_cap=12)
    assert _watched(alice, cat.serial) == []


def test_the_release_page_form_marks_episodes_and_goes_back_to_the_grid(app, client, cat, alice):
    sign_in_as(client, alice)
    page = client.get(f"/releases/{cat.serial.id}").get_data(as_text=True)
    assert 'name="through"' in page and "I have watched up to" in page
    r = client.post(f"/lists/{cat.serial.id}/watched-through",
                    data={"csrf_token": meta_csrf(client), "translation_id": str(cat.voice.id),
                          "through": "1-2", "next": f"/releases/{cat.serial.id}#episodes"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/releases/{cat.serial.id}#episodes")
    assert _watched(alice, cat.serial) == [(1, 1), (1, 2)]
    page = client.get(f"/releases/{cat.serial.id}").get_data(as_text=True)
    assert page.count("ep-watched") == 2 and "Marked 2 episodes as watched." in page


def test_a_garbled_episode_choice_is_a_form_error_and_changes_nothing(client, cat, alice):
    sign_in_as(client, alice)
    r = client.post(f"/lists/{cat.serial.id}/watched-through", follow_redirects=True,
                    data={"csrf_token": meta_csrf(client), "translation_id": str(cat.voice.id),
                          "through": "two", "next": f"/releases/{cat.serial.id}"})
    assert r.status_code == 200 and "Choose an episode." in r.get_data(as_text=True)
    assert _watched(alice, cat.serial) == []

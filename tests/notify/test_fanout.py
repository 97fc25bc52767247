"""A real sync against the fake Kodik that adds episodes notifies exactly the members who follow
the release and the dub: one notification per (member, release, dub) per sync."""
from anihome import events
from anihome.db import write_transaction
from anihome.kodik import sync
from anihome.library import lists
from anihome.models import Notification, Subscription, Translation
from anihome.notify import prefs, subscriptions

from .conftest import add_episodes, serial_translations


def _notes(user, **where):
    query = Notification.select().where(Notification.user == user.id)
    for name, value in where.items():
        query = query.where(getattr(Notification, name) == value)
    return list(query)


def test_an_incremental_sync_with_two_new_episodes_gives_each_follower_one_notification(
        db, fake, synced, members):
    alice, bob, carol = members
    target, other = serial_translations(fake, 2)
    before = {t.id: t.last_episode for t in (target, other)}
    subscriptions.follow(alice.id, target.release_id)
    subscriptions.follow(bob.id, target.release_id)
    subscriptions.follow(bob.id, other.release_id)
    add_episodes(fake, [target, other], times=2)

    report = sync.run_incremental(synced)

    assert report.episodes_announced >= 4
    for member in (alice, bob):
        notes = _notes(member, release=target.release_id, translation_id=target.id)
        assert len(notes) == 1
        assert notes[0].kind == "episodes"
        assert notes[0].episodes == f"{before[target.id] + 1},{before[target.id] + 2}"
    assert len(_notes(bob, release=other.release_id)) == 1
    assert _notes(alice, release=other.release_id) == []
    assert _notes(carol) == []


def test_following_some_dubs_only_notifies_about_those_dubs(db, fake, synced, members):
    alice = members[0]
    dubs = serial_translations(fake, 1, min_dubs=2)[0]
    pair = list(Translation.select().where(Translation.release == dubs.release_id).order_by(Translation.id))[:2]
    subscriptions.follow(alice.id, dubs.release_id, [pair[0].id])
    add_episodes(fake, pair)

    sync.run_incremental(synced)

    notes = _notes(alice, release=dubs.release_id)
    assert [n.translation_id for n in notes] == [pair[0].id]


def test_two_syncs_give_two_notifications_and_chunks_of_one_sync_merge_into_one(db, fake, synced, members):
    alice = members[0]
    target = serial_translations(fake, 1)[0]
    subscriptions.follow(alice.id, target.release_id)
    add_episodes(fake, [target])
    sync.run_incremental(synced)
    add_episodes(fake, [target])
    sync.run_incremental(synced)
    assert len(_notes(alice, release=target.release_id)) == 2

    # the same sync id in two chunks (a full walk that meets the item twice) merges
    with write_transaction():
        events.catalog_written.send(None, sync_id="s1", new_episodes=[(target.release_id, target.id, 1, 50)],
                                    status_changes=[])
    with write_transaction():
        events.catalog_written.send(None, sync_id="s1", new_episodes=[(target.release_id, target.id, 1, 51)],
                                    status_changes=[])
    merged = [n for n in _notes(alice, release=target.release_id) if n.key.startswith("ep:s1:")]
    assert len(merged) == 1 and merged[0].episodes == "50,51"


def test_a_full_sync_notifies_about_new_episodes_too(db, fake, synced, members):
    alice = members[0]
    target = serial_translations(fake, 1)[0]
    subscriptions.follow(alice.id, target.release_id)
    add_episodes(fake, [target])

    sync.run_full(synced)

    assert len(_notes(alice, release=target.release_id, kind="episodes")) == 1


def test_a_chunk_that_fails_takes_its_notifications_with_it(db, fake, synced, members, monkeypatch):
    alice = members[0]
    target = serial_translations(fake, 1)[0]
    subscriptions.follow(alice.id, target.release_id)
    add_episodes(fake, [target])
    from anihome.kodik import state

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(state, "advance_watermark", crash)
    try:
        sync.run_incremental(synced)
    except RuntimeError:
        pass
    # the chunk itself committed with its notification; the watermark did not move
    assert len(_notes(alice, release=target.release_id)) == 1
    monkeypatch.undo()
    sync.run_incremental(synced)  # the same items again: no new episodes, no second notification
    assert len(_notes(alice, release=target.release_id)) == 1


def test_airing_started_and_finished_reach_followers_once(db, fake, synced, members):
    alice, bob = members[:2]
    target = serial_translations(fake, 1)[0]
    subscriptions.follow(alice.id, target.release_id)
    for status in ("ongoing", "released", "released"):
        with write_transaction():
            events.catalog_written.send(None, sync_id=status, new_episodes=[],
                                        status_changes=[(target.release_id, "anons", status)])
    assert sorted(n.kind for n in _notes(alice)) == ["airing_finished", "airing_started"]
    assert _notes(bob) == []


def test_putting_a_release_on_watching_follows_it_unless_the_member_turned_that_off(db, synced, fake, members):
    alice, bob = members[:2]
    one, two = serial_translations(fake, 2)
    prefs.update(bob.id, {"follow_watching": False})

    lists.set_entry(alice.id, one.release_id, {"status": "watching"})
    lists.set_entry(bob.id, one.release_id, {"status": "watching"})
    lists.set_entry(alice.id, two.release_id, {"status": "planned"})

    assert subscriptions.get(alice.id, one.release_id) is not None
    assert subscriptions.get(bob.id, one.release_id) is None
    assert subscriptions.get(alice.id, two.release_id) is None


def test_a_reply_to_my_comment_notifies_me_but_not_when_i_answer_myself(db, synced, fake, members):
    alice, bob = members[:2]
    release = serial_translations(fake, 1)[0].release_id
    events.comment_replied.send(None, comment_id=7, parent_id=3, release_id=release, user_id=bob.id,
                                parent_user_id=alice.id)
    events.comment_replied.send(None, comment_id=8, parent_id=7, release_id=release, user_id=alice.id,
                                parent_user_id=alice.id)
    notes = _notes(alice, kind="comment_reply")
    assert len(notes) == 1 and '"by": "bob"' in notes[0].data


def test_following_an_unknown_release_or_a_foreign_dub_is_refused(db, synced, fake, members):
    import pytest

    from anihome.errors import AppError, NotFound

    alice = members[0]
    one, two = serial_translations(fake, 2)
    with pytest.raises(NotFound):
        subscriptions.follow(alice.id, 10 ** 9)
    with pytest.raises(AppError) as caught:
        subscriptions.follow(alice.id, one.release_id, [two.id])
    assert caught.value.field == "translations"
    assert Subscription.select().count() == 0

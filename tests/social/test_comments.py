"""Comments: posting, threads, edits, deletes, the spoiler shield, visibility and anti-abuse."""
from datetime import timedelta

import pytest
from playhouse.test_utils import count_queries

from anihome import events
from anihome.errors import AppError
from anihome.models import Comment
from anihome.social import comments, moderation, rules

from .conftest import NOW, person, watch


def post(user, release, body="hello there", **kw):
    kw.setdefault("now", NOW)
    return comments.post(user, release.id, body, **kw)


def test_a_member_posts_and_reads_a_release_comment(cat, people):
    post(people.alice, cat.serial, "first **bold**")
    page = comments.thread(people.bob, cat.serial.id, now=NOW)
    assert page.total == 1
    view = page.items[0]
    assert view.author == "alice" and view.body == "first **bold**"
    assert "<strong>bold</strong>" in view.html
    assert not view.gated and not view.mine and not view.can_edit


@pytest.mark.parametrize("body, field", [("", "body"), ("   \n ", "body"), ("x" * 4001, "body")])
def test_empty_or_too_long_text_is_refused_naming_the_field(cat, people, body, field):
    with pytest.raises(AppError) as err:
        post(people.alice, cat.serial, body)
    assert err.value.field == field and err.value.status == 400
    assert Comment.select().count() == 0


def test_unknown_release_episode_and_parent_are_refused(cat, people):
    with pytest.raises(AppError) as err:
        comments.post(people.alice, 999999, "hi", now=NOW)
    assert err.value.status == 404
    with pytest.raises(AppError) as err:
        post(people.alice, cat.serial, season=1, episode=40)
    assert err.value.field == "episode" and err.value.status == 404
    with pytest.raises(AppError) as err:
        post(people.alice, cat.serial, parent_id=12345)
    assert err.value.field == "parent_id"
    assert Comment.select().count() == 0


def test_a_reply_to_a_reply_is_refused(cat, people):
    top = post(people.alice, cat.serial, "top")
    reply = post(people.bob, cat.serial, "reply", parent_id=top.id)
    with pytest.raises(AppError) as err:
        post(people.alice, cat.serial, "deeper", parent_id=reply.id)
    assert err.value.field == "parent_id"
    assert Comment.select().count() == 2


def test_replies_nest_under_their_comment_and_signal_the_parents_author(cat, people):
    heard = []

    def listener(sender, **kw):
        heard.append(kw)

    events.comment_replied.connect(listener)
    try:
        top = post(people.alice, cat.serial, "top")
        post(people.bob, cat.serial, "reply one", parent_id=top.id)
        post(people.alice, cat.serial, "own reply", parent_id=top.id, now=NOW + timedelta(seconds=1))
    finally:
        events.comment_replied.disconnect(listener)
    page = comments.thread(people.bob, cat.serial.id, now=NOW)
    assert page.total == 1
    assert [r.body for r in page.items[0].replies] == ["reply one", "own reply"]
    assert len(heard) == 1 and heard[0]["parent_user_id"] == people.alice.id
    assert heard[0]["user_id"] == people.bob.id


def test_episode_threads_are_apart_from_the_release_thread(cat, people):
    post(people.alice, cat.serial, "release talk")
    post(people.alice, cat.serial, "episode two talk", season=1, episode=2)
    assert [c.body for c in comments.thread(people.alice, cat.serial.id, now=NOW).items] == ["release talk"]
    page = comments.thread(people.alice, cat.serial.id, 1, 2, now=NOW)
    assert [c.body for c in page.items] == ["episode two talk"]


def test_sorting_newest_and_oldest_first_and_pagination(cat, people):
    for n in range(5):
        post(people.alice, cat.serial, f"c{n}", now=NOW + timedelta(seconds=n))
    newest = comments.thread(people.bob, cat.serial.id, per_page=2, now=NOW)
    assert [c.body for c in newest.items] == ["c4", "c3"] and newest.pages == 3
    oldest = comments.thread(people.bob, cat.serial.id, sort="oldest", page=3, per_page=2, now=NOW)
    assert [c.body for c in oldest.items] == ["c4"]


def test_own_comment_edits_within_fifteen_minutes_then_not(cat, people):
    c = post(people.alice, cat.serial, "typo")
    comments.edit(people.alice, c.id, "fixed", now=NOW + timedelta(minutes=14))
    view = comments.thread(people.bob, cat.serial.id, now=NOW).items[0]
    assert view.body == "fixed" and view.edited_at is not None
    with pytest.raises(AppError) as err:
        comments.edit(people.alice, c.id, "late", now=NOW + timedelta(minutes=16))
    assert err.value.status == 409 and err.value.field == "body"
    assert Comment.get_by_id(c.id).body == "fixed"


def test_nobody_edits_or_deletes_another_members_comment(cat, people):
    c = post(people.alice, cat.serial, "mine")
    for user in (people.bob, people.mod, people.owner):
        with pytest.raises(AppError) as err:
            comments.edit(user, c.id, "theirs", now=NOW)
        assert err.value.status == 403
        with pytest.raises(AppError):
            comments.delete(user, c.id, now=NOW)
    assert Comment.get_by_id(c.id).body == "mine" and Comment.get_by_id(c.id).status == "visible"


def test_a_deleted_comment_with_replies_stays_as_deleted(cat, people):
    top = post(people.alice, cat.serial, "top")
    post(people.bob, cat.serial, "reply", parent_id=top.id)
    lone = post(people.alice, cat.serial, "lone", now=NOW + timedelta(seconds=5))
    comments.delete(people.alice, top.id, now=NOW)
    comments.delete(people.alice, lone.id, now=NOW)
    page = comments.thread(people.bob, cat.serial.id, now=NOW)
    assert page.total == 1
    view = page.items[0]
    assert view.status == "deleted" and view.body is None and view.html is None
    assert [r.body for r in view.replies] == ["reply"]


def test_double_submit_creates_one_comment(cat, people):
    a = post(people.alice, cat.serial, "same", nonce="form-1")
    b = post(people.alice, cat.serial, "same", nonce="form-1", now=NOW + timedelta(minutes=5))
    c = post(people.alice, cat.serial, "twice", now=NOW)
    d = post(people.alice, cat.serial, "twice", now=NOW + timedelta(seconds=2))
    assert a.id == b.id and c.id == d.id
    assert Comment.select().count() == 2


def test_posting_is_rate_limited_per_member(cat, people):
    for n in range(3):
        post(people.alice, cat.serial, f"n{n}", limit_per_minute=3, now=NOW + timedelta(seconds=n))
    with pytest.raises(rules.RateLimited) as err:
        post(people.alice, cat.serial, "one too many", limit_per_minute=3, now=NOW + timedelta(seconds=5))
    assert err.value.status == 429
    post(people.bob, cat.serial, "bob is not limited by alice", limit_per_minute=3)
    post(people.alice, cat.serial, "a minute later", limit_per_minute=3, now=NOW + timedelta(seconds=61))
    assert Comment.select().count() == 5


def test_a_muted_member_is_told_until_when(cat, people):
    moderation.mute(people.mod, people.alice.id, 3, "flooding", now=NOW)
    with pytest.raises(AppError) as err:
        post(people.alice, cat.serial, "still here?")
    assert err.value.status == 403 and err.value.code == "muted"
    assert "2026-11-23 12:00" in err.value.message and "flooding" in err.value.message
    post(people.alice, cat.serial, "back", now=NOW + timedelta(days=3, seconds=1))


# --- the spoiler shield -------------------------------------------------------------------

def test_an_episode_comment_is_gated_until_the_reader_watched_that_episode(cat, people):
    post(people.alice, cat.serial, "she dies", season=1, episode=2)
    assert comments.thread(people.bob, cat.serial.id, 1, 2, now=NOW).items[0].gated
    watch(people.bob, cat.voice, 1, 1)
    view = comments.thread(people.bob, cat.serial.id, 1, 2, now=NOW).items[0]
    assert view.gated and view.body is None and view.html is None
    watch(people.bob, cat.voice, 1, 2)
    view = comments.thread(people.bob, cat.serial.id, 1, 2, now=NOW).items[0]
    assert not view.gated and view.body == "she dies"


def test_a_later_episode_watched_opens_the_gate_too(cat, people):
    post(people.alice, cat.serial, "twist", season=1, episode=2)
    watch(people.bob, cat.voice, 1, 3)
    assert comments.thread(people.bob, cat.serial.id, 1, 2, now=NOW).items[0].body == "twist"


def test_release_level_spoilers_up_to_an_episode_are_gated_the_same_way(cat, people):
    post(people.alice, cat.serial, "the ending", spoiler_episode=3)
    assert comments.thread(people.bob, cat.serial.id, now=NOW).items[0].gated
    watch(people.bob, cat.voice, 1, 3)
    assert comments.thread(people.bob, cat.serial.id, now=NOW).items[0].body == "the ending"


def test_authors_read_their_own_and_moderators_read_all_marked_gated_for_others(cat, people):
    post(people.alice, cat.serial, "secret", season=1, episode=3)
    own = comments.thread(people.alice, cat.serial.id, 1, 3, now=NOW).items[0]
    assert own.body == "secret" and own.gated_for_others
    mod = comments.thread(people.mod, cat.serial.id, 1, 3, now=NOW).items[0]
    assert mod.body == "secret" and mod.gated_for_others and not mod.gated


def test_show_anyway_reveals_one_comment_only(cat, people):
    a = post(people.alice, cat.serial, "one", season=1, episode=3)
    post(people.alice, cat.serial, "two", season=1, episode=3, now=NOW + timedelta(seconds=1))
    page = comments.thread(people.bob, cat.serial.id, 1, 3, reveal=frozenset({a.id}), now=NOW)
    assert {c.body for c in page.items} == {"one", None}
    assert comments.read_one(people.bob, a.id, reveal=True, now=NOW).body == "one"
    assert comments.read_one(people.bob, a.id, now=NOW).body is None


# --- visibility ---------------------------------------------------------------------------

def test_comments_on_a_release_above_the_age_cap_are_not_found(cat, people):
    post(people.alice, cat.ongoing, "adult talk")
    with pytest.raises(AppError) as err:
        comments.thread(people.kid, cat.ongoing.id, now=NOW)
    assert err.value.status == 404
    with pytest.raises(AppError) as err:
        post(people.kid, cat.ongoing, "can I?")
    assert err.value.status == 404


def test_kids_restriction_hides_text_of_uncapped_members_from_kids(cat, people):
    post(people.alice, cat.serial, "from an adult")
    post(people.mod, cat.serial, "from the moderator", now=NOW + timedelta(seconds=1))
    other_kid = person("kid2", age_cap=16)
    post(other_kid, cat.serial, "from a kid", now=NOW + timedelta(seconds=2))
    assert comments.thread(people.kid, cat.serial.id, now=NOW).total == 3
    rules.set_switches(people.owner, kids_restricted=True)
    seen = {c.body for c in comments.thread(people.kid, cat.serial.id, now=NOW).items}
    assert seen == {"from the moderator", "from a kid"}
    assert comments.thread(people.bob, cat.serial.id, now=NOW).total == 3


def test_the_owner_can_turn_posting_off_for_capped_members(cat, people):
    rules.set_switches(people.owner, capped_posting_off=True)
    with pytest.raises(AppError) as err:
        post(people.kid, cat.serial, "hello")
    assert err.value.code == "posting_off"
    post(people.bob, cat.serial, "adults still post")
    with pytest.raises(AppError):
        rules.set_switches(people.mod, capped_posting_off=False)


# --- queries ------------------------------------------------------------------------------

def test_a_thread_page_costs_the_same_queries_for_two_or_forty_comments(cat, people):
    def page_queries():
        with count_queries() as counter:
            page = comments.thread(people.bob, cat.serial.id, per_page=20, now=NOW)
            assert page.items
        return counter.count

    for n in range(2):
        top = post(people.alice, cat.serial, f"t{n}", now=NOW + timedelta(seconds=n))
        post(people.bob, cat.serial, f"r{n}", parent_id=top.id, now=NOW + timedelta(seconds=n))
    few = page_queries()
    for n in range(2, 40):
        top = post(people.alice, cat.serial, f"t{n}", limit_per_minute=0, now=NOW + timedelta(seconds=n))
        post(people.owner, cat.serial, f"r{n}", parent_id=top.id, limit_per_minute=0,
             now=NOW + timedelta(seconds=n))
    assert page_queries() == few <= 6


def test_a_double_submit_at_the_rate_limit_still_answers_the_first_comment(cat, people):
    first = post(people.alice, cat.serial, "once", nonce="f1", limit_per_minute=1)
    again = post(people.alice, cat.serial, "once", nonce="f1", limit_per_minute=1, now=NOW + timedelta(seconds=1))
    assert again.id == first.id


def test_replies_to_a_hidden_comment_are_refused_for_members(cat, people):
    top = post(people.alice, cat.serial, "top")
    moderation.act(people.mod, "comment", top.id, "hide", now=NOW)
    with pytest.raises(AppError) as err:
        post(people.bob, cat.serial, "reply", parent_id=top.id)
    assert err.value.field == "parent_id"

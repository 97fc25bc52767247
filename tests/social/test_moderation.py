"""Reports, the queue, hide/restore/delete, mutes, and the owner's audit log."""
import pytest

from anihome.errors import AppError
from anihome.models import AuditEntry, Comment, Report
from anihome.social import audit, comments, moderation, reviews

from .conftest import NOW

TEXT = "A quiet, careful story that pays off."


def test_members_report_and_moderators_see_one_queue_item_per_text(cat, people):
    c = comments.post(people.alice, cat.serial.id, "rude words", now=NOW)
    moderation.report(people.bob, "comment", c.id, "rude", now=NOW)
    again = moderation.report(people.bob, "comment", c.id, "still rude", now=NOW)
    moderation.report(people.kid, "comment", c.id, "mean", now=NOW)
    assert Report.select().count() == 2 and again.reason == "rude"
    items, total = moderation.queue(people.mod)
    assert total == 1
    item = items[0]
    assert (item.kind, item.target_id, item.reports, item.author) == ("comment", c.id, 2, "alice")
    assert item.reasons == ["rude", "mean"] and item.release_title == cat.serial.title
    with pytest.raises(AppError) as err:
        moderation.queue(people.bob)
    assert err.value.status == 403


def test_a_report_needs_a_reason_and_a_readable_text(cat, people):
    c = comments.post(people.alice, cat.serial.id, "hi", now=NOW)
    with pytest.raises(AppError) as err:
        moderation.report(people.bob, "comment", c.id, "  ")
    assert err.value.field == "reason"
    with pytest.raises(AppError) as err:
        moderation.report(people.bob, "post", c.id, "spam")
    assert err.value.field == "kind"
    with pytest.raises(AppError) as err:
        moderation.report(people.alice, "comment", c.id, "spam")
    assert Report.select().count() == 0


def test_hide_restore_delete_resolve_reports_and_are_audited(cat, people):
    c = comments.post(people.alice, cat.serial.id, "rude words", now=NOW)
    moderation.report(people.bob, "comment", c.id, "rude", now=NOW)
    assert moderation.act(people.mod, "comment", c.id, "hide", "insults", now=NOW) == "hidden"
    assert moderation.queue(people.mod)[1] == 0
    assert comments.thread(people.bob, cat.serial.id, now=NOW).total == 0
    own = comments.thread(people.alice, cat.serial.id, now=NOW).items[0]
    assert own.status == "hidden" and own.body == "rude words"
    assert comments.thread(people.mod, cat.serial.id, now=NOW).items[0].status == "hidden"
    moderation.act(people.mod, "comment", c.id, "restore", "on second look", now=NOW)
    assert comments.thread(people.bob, cat.serial.id, now=NOW).total == 1
    moderation.act(people.mod, "comment", c.id, "delete", "", now=NOW)
    assert Comment.get_by_id(c.id).status == "deleted"
    log, total = audit.entries(people.owner)
    assert total == 3
    assert [(e.actor_name, e.action, e.kind, e.target_id, e.target_user_name) for e in reversed(log)] == [
        ("mod", "hide", "comment", c.id, "alice"), ("mod", "restore", "comment", c.id, "alice"),
        ("mod", "delete", "comment", c.id, "alice")]
    assert log[-1].reason == "insults"


def test_only_the_owner_reads_the_audit_log(cat, people):
    for user in (people.mod, people.alice):
        with pytest.raises(AppError) as err:
            audit.entries(user)
        assert err.value.status == 403


def test_members_cannot_moderate_and_moderators_cannot_touch_higher_ranks(cat, people):
    c = comments.post(people.owner, cat.serial.id, "owner speaking", now=NOW)
    with pytest.raises(AppError) as err:
        moderation.act(people.alice, "comment", c.id, "hide")
    assert err.value.status == 403
    with pytest.raises(AppError) as err:
        moderation.act(people.mod, "comment", c.id, "hide")
    assert err.value.status == 403
    with pytest.raises(AppError) as err:
        moderation.mute(people.mod, people.owner.id, 3)
    assert err.value.status == 403
    assert Comment.get_by_id(c.id).status == "visible" and AuditEntry.select().count() == 0


def test_reviews_are_moderated_the_same_way(cat, people):
    review, _ = reviews.save(people.alice, cat.serial.id, 2, TEXT, now=NOW)
    moderation.report(people.bob, "review", review.id, "spam", now=NOW)
    moderation.act(people.mod, "review", review.id, "hide", "spam", now=NOW)
    assert reviews.household_score(cat.serial.id) is None
    assert reviews.for_release(people.bob, cat.serial.id)[1] == 0


def test_a_mute_is_audited_and_bounded(cat, people):
    with pytest.raises(AppError) as err:
        moderation.mute(people.mod, people.alice.id, 0)
    assert err.value.field == "days"
    with pytest.raises(AppError) as err:
        moderation.mute(people.mod, people.alice.id, 400)
    assert err.value.field == "days"
    moderation.mute(people.mod, people.alice.id, 2, "cool off", now=NOW)
    assert [name for _, name in moderation.active_mutes(people.mod, now=NOW)] == ["alice"]
    entry = AuditEntry.get()
    assert (entry.action, entry.target_user_name, entry.reason) == ("mute", "alice", "2 d: cool off")
    assert moderation.unmute(people.mod, people.alice.id, now=NOW) == 1
    assert moderation.active_mutes(people.mod, now=NOW) == []

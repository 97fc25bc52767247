"""Reviews: one per member per release, score and text rules, household score, helpful votes."""
from datetime import timedelta

import pytest

from anihome import events
from anihome.errors import AppError
from anihome.models import Review
from anihome.social import reviews

from .conftest import NOW, watch

TEXT = "A quiet, careful story that pays off."


def test_a_review_records_score_text_and_progress_at_the_time(cat, people):
    watch(people.alice, cat.voice, 1, 1)
    watch(people.alice, cat.voice, 1, 2)
    review, created = reviews.save(people.alice, cat.serial.id, 8, TEXT, now=NOW)
    assert created and review.score == 8
    assert (review.watched_episodes, review.total_episodes) == (2, 3)
    watch(people.alice, cat.voice, 1, 3)
    assert Review.get_by_id(review.id).watched_episodes == 2


@pytest.mark.parametrize("score, body, field", [
    (0, TEXT, "score"), (11, TEXT, "score"), ("8.5", TEXT, "score"), (None, TEXT, "score"),
    (7, "too short", "body"), (7, "x" * 4001, "body"), (7, "   ", "body")])
def test_bad_scores_and_texts_are_refused_naming_the_field(cat, people, score, body, field):
    with pytest.raises(AppError) as err:
        reviews.save(people.alice, cat.serial.id, score, body, now=NOW)
    assert err.value.field == field
    assert Review.select().count() == 0


def test_one_review_per_member_per_release(cat, people):
    reviews.save(people.alice, cat.serial.id, 6, TEXT, now=NOW)
    with pytest.raises(AppError) as err:
        reviews.save(people.alice, cat.serial.id, 9, TEXT + " again", create_only=True, now=NOW)
    assert err.value.status == 409
    review, created = reviews.save(people.alice, cat.serial.id, 9, TEXT + " Rewritten.", now=NOW)
    assert not created and review.score == 9
    assert Review.select().count() == 1


def test_household_score_is_the_mean_of_visible_reviews(cat, people):
    assert reviews.household_score(cat.serial.id) is None
    reviews.save(people.alice, cat.serial.id, 8, TEXT, now=NOW)
    reviews.save(people.bob, cat.serial.id, 5, TEXT, now=NOW)
    assert reviews.household_score(cat.serial.id) == {"mean": 6.5, "count": 2}
    assert reviews.household_scores([cat.serial.id, cat.movie.id]) == {cat.serial.id: {"mean": 6.5, "count": 2}}
    reviews.delete_mine(people.bob, cat.serial.id)
    assert reviews.household_score(cat.serial.id) == {"mean": 8.0, "count": 1}


def test_review_posted_is_signalled(cat, people):
    heard = []

    def listener(sender, **kw):
        heard.append(kw)

    events.review_posted.connect(listener)
    try:
        review, _ = reviews.save(people.alice, cat.serial.id, 7, TEXT, now=NOW)
    finally:
        events.review_posted.disconnect(listener)
    assert heard == [{"review_id": review.id, "release_id": cat.serial.id, "user_id": people.alice.id,
                      "score": 7}]


def test_helpful_votes_one_per_member_never_on_ones_own(cat, people):
    review, _ = reviews.save(people.alice, cat.serial.id, 7, TEXT, now=NOW)
    assert reviews.vote(people.bob, review.id) == 1
    assert reviews.vote(people.bob, review.id) == 1
    assert reviews.vote(people.mod, review.id) == 2
    with pytest.raises(AppError) as err:
        reviews.vote(people.alice, review.id)
    assert err.value.status == 403 and err.value.field == "review_id"
    assert reviews.vote(people.bob, review.id, helpful=False) == 1
    items, total = reviews.for_release(people.mod, cat.serial.id)
    assert total == 1 and items[0].voted and items[0].helpful_count == 1


def test_a_review_with_spoilers_is_gated_by_progress(cat, people):
    reviews.save(people.alice, cat.serial.id, 7, TEXT, spoiler_episode=3, now=NOW)
    items, _ = reviews.for_release(people.bob, cat.serial.id)
    assert items[0].gated and items[0].body is None and items[0].score == 7
    watch(people.bob, cat.voice, 1, 3)
    items, _ = reviews.for_release(people.bob, cat.serial.id)
    assert items[0].body == TEXT and items[0].gated_for_others


def test_reviews_of_a_release_above_the_age_cap_are_not_found(cat, people):
    with pytest.raises(AppError) as err:
        reviews.save(people.kid, cat.ongoing.id, 7, TEXT, now=NOW)
    assert err.value.status == 404
    reviews.save(people.alice, cat.ongoing.id, 7, TEXT, now=NOW + timedelta(seconds=1))
    with pytest.raises(AppError):
        reviews.for_release(people.kid, cat.ongoing.id)

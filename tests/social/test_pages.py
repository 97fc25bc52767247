"""The release page, the player page, the forms and the moderation queue, through HTTP."""
import re

import pytest

from anihome.models import Comment, Review
from anihome.social import comments, moderation, rules

from .conftest import NOW, signed_in, watch

TEXT = "A quiet, careful story that pays off."
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_of(client, path):
    return _CSRF.search(client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def clients(app, db, cat, people):
    return {name: signed_in(app, getattr(people, name)) for name in ("alice", "bob", "mod", "owner", "kid")}


def test_the_release_page_shows_the_thread_reviews_and_household_score(clients, cat, people):
    comments.post(people.alice, cat.serial.id, "**nice** <script>x()</script>", now=NOW)
    html = clients["bob"].get(f"/releases/{cat.serial.id}").get_data(as_text=True)
    assert 'id="comments"' in html and 'id="reviews"' in html and 'id="household-score"' in html
    assert "<strong>nice</strong> &lt;script&gt;x()&lt;/script&gt;" in html
    assert "<script>x()" not in html


def test_gated_text_is_not_in_the_html_until_watched_or_revealed(clients, cat, people):
    c = comments.post(people.alice, cat.serial.id, "the big reveal", season=1, episode=2, now=NOW)
    url = f"/watch/{cat.serial.id}?translation={cat.voice.id}&season=1&episode=2"
    html = clients["bob"].get(url).get_data(as_text=True)
    assert "the big reveal" not in html and "Show anyway" in html
    assert "the big reveal" in clients["bob"].get(url + f"&reveal={c.id}").get_data(as_text=True)
    assert "the big reveal" in clients["bob"].get(f"/comments/{c.id}/reveal").get_data(as_text=True)
    assert "the big reveal" in clients["alice"].get(url).get_data(as_text=True)
    watch(people.bob, cat.voice, 1, 2)
    assert "the big reveal" in clients["bob"].get(url).get_data(as_text=True)


def test_posting_from_the_form_redirects_to_the_new_comment_and_a_double_submit_is_one(clients, cat):
    client = clients["alice"]
    page = f"/releases/{cat.serial.id}"
    form = {"csrf_token": csrf_of(client, page), "body": "from the form", "nonce": "n-1", "next": page}
    first = client.post(f"/releases/{cat.serial.id}/comments", data=form)
    second = client.post(f"/releases/{cat.serial.id}/comments", data=form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert first.headers["Location"].startswith(page + "#comment-")
    assert Comment.select().count() == 1


def test_a_bad_form_answers_4xx_with_the_text_kept(clients, cat):
    client = clients["alice"]
    page = f"/releases/{cat.serial.id}"
    r = client.post(f"/releases/{cat.serial.id}/comments",
                    data={"csrf_token": csrf_of(client, page), "body": "x" * 4001, "next": page})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "at most 4,000 characters" in html and 'aria-invalid="true"' in html and "x" * 4001 in html
    r = client.post(f"/releases/{cat.serial.id}/review",
                    data={"csrf_token": csrf_of(client, page), "score": "7", "body": "short", "next": page})
    assert r.status_code == 400 and "at least 20 characters" in r.get_data(as_text=True)
    assert Comment.select().count() == 0 and Review.select().count() == 0


def test_a_muted_member_sees_why_instead_of_the_form(clients, cat, people):
    moderation.mute(people.mod, people.alice.id, 2, "cool off")
    html = clients["alice"].get(f"/releases/{cat.serial.id}").get_data(as_text=True)
    assert "You are muted until" in html and "cool off" in html
    assert 'name="body"' not in html.split('id="comments"')[1]


def test_a_review_from_the_form_shows_on_the_page_with_its_progress(clients, cat, people):
    watch(people.alice, cat.voice, 1, 1)
    client = clients["alice"]
    page = f"/releases/{cat.serial.id}"
    r = client.post(f"/releases/{cat.serial.id}/review", data={
        "csrf_token": csrf_of(client, page), "score": "8", "body": TEXT, "create": "1", "next": page})
    assert r.status_code == 302
    html = clients["bob"].get(page).get_data(as_text=True)
    assert "★ 8/10" in html and "watched 1 of 3" in html and TEXT in html
    assert re.search(r'id="household-score">Household <strong>8.0</strong>', html)


def test_capped_members_get_404_and_the_kids_switch_filters_authors(clients, cat, people):
    comments.post(people.alice, cat.serial.id, "adult words", now=NOW)
    assert clients["kid"].get(f"/releases/{cat.ongoing.id}").status_code == 404
    assert "adult words" in clients["kid"].get(f"/releases/{cat.serial.id}").get_data(as_text=True)
    rules.set_switches(people.owner, kids_restricted=True)
    assert "adult words" not in clients["kid"].get(f"/releases/{cat.serial.id}").get_data(as_text=True)


def test_the_moderation_queue_page_hides_a_reported_comment(clients, cat, people):
    c = comments.post(people.alice, cat.serial.id, "rude words", now=NOW)
    moderation.report(people.bob, "comment", c.id, "insult")
    assert clients["bob"].get("/admin/moderation").status_code == 403
    page = clients["mod"].get("/admin/moderation").get_data(as_text=True)
    assert "rude words" in page and "insult" in page
    r = clients["mod"].post(f"/admin/moderation/comment/{c.id}", data={
        "csrf_token": csrf_of(clients["mod"], "/admin/moderation"), "action": "hide", "reason": "insult"})
    assert r.status_code == 302
    assert Comment.get_by_id(c.id).status == "hidden"
    assert clients["mod"].get("/admin/moderation/audit").status_code == 403
    audit = clients["owner"].get("/admin/moderation/audit").get_data(as_text=True)
    assert "mod" in audit and "insult" in audit and "alice" in audit


def test_the_social_part_of_a_release_page_costs_the_same_queries_for_few_or_many(app, db, cat, people):
    from datetime import timedelta

    from playhouse.test_utils import count_queries

    from anihome.social import panel, reviews

    def queries():
        with count_queries() as counter:
            panel.release_panel(people.bob, cat.serial.id, now=NOW)
        return counter.count

    top = comments.post(people.alice, cat.serial.id, "t", now=NOW)
    comments.post(people.bob, cat.serial.id, "r", parent_id=top.id, now=NOW)
    reviews.save(people.alice, cat.serial.id, 7, TEXT, now=NOW)
    few = queries()
    for n in range(30):
        t = comments.post(people.mod, cat.serial.id, f"t{n}", limit_per_minute=0, now=NOW + timedelta(seconds=n))
        comments.post(people.alice, cat.serial.id, f"r{n}", parent_id=t.id, limit_per_minute=0,
                      now=NOW + timedelta(seconds=n))
    for user in (people.bob, people.mod, people.owner):
        reviews.save(user, cat.serial.id, 5, TEXT, limit_per_minute=0, now=NOW)
    assert queries() == few <= 10

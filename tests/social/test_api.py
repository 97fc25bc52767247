"""The social API over real HTTP calls of the test client: shapes, the spoiler gate in JSON,
bad input refused naming the field, moderation and the owner's audit log."""
import pytest

from anihome.accounts import tokens
from anihome.models import Comment, Review

from .conftest import watch

TEXT = "A quiet, careful story that pays off."


@pytest.fixture
def bearer(db, people):
    def make(user):
        plaintext, _ = tokens.create(user, "tests")
        return {"Authorization": f"Bearer {plaintext}"}
    return make


def test_post_and_read_a_thread_with_replies(client, cat, people, bearer):
    alice, bob = bearer(people.alice), bearer(people.bob)
    r = client.post(f"/api/v1/releases/{cat.serial.id}/comments", json={"body": "**hi** <b>x</b>"}, headers=alice)
    assert r.status_code == 201, r.get_json()
    top = r.get_json()
    assert top["author"] == "alice" and top["gated"] is False and top["replies_count"] == 0
    assert top["html"] == "<p><strong>hi</strong> &lt;b&gt;x&lt;/b&gt;</p>"
    r = client.post(f"/api/v1/releases/{cat.serial.id}/comments", json={"body": "reply", "parent_id": top["id"]},
                    headers=bob)
    assert r.status_code == 201
    page = client.get(f"/api/v1/releases/{cat.serial.id}/comments", headers=bob).get_json()
    assert (page["total"], page["page"], page["pages"]) == (1, 1, 1)
    item = page["items"][0]
    assert set(item) >= {"id", "author", "body", "gated", "created_at", "edited_at", "replies_count"}
    assert item["replies_count"] == 1 and item["replies"][0]["body"] == "reply"


def test_the_spoiler_gate_holds_the_text_back_in_json(client, cat, people, bearer):
    alice, bob = bearer(people.alice), bearer(people.bob)
    url = f"/api/v1/releases/{cat.serial.id}/comments"
    created = client.post(url, json={"body": "the twist", "season": 1, "episode": 2}, headers=alice).get_json()
    r = client.get(url + "?season=1&episode=2", headers=bob)
    item = r.get_json()["items"][0]
    assert item["gated"] is True and item["body"] is None and item["html"] is None
    assert b"the twist" not in r.data
    assert item["gate"] == {"season": 1, "episode": 2}
    shown = client.get(url + f"?season=1&episode=2&reveal={created['id']}", headers=bob).get_json()
    assert shown["items"][0]["body"] == "the twist"
    watch(people.bob, cat.voice, 1, 2)
    item = client.get(url + "?season=1&episode=2", headers=bob).get_json()["items"][0]
    assert item["gated"] is False and item["body"] == "the twist"


@pytest.mark.parametrize("body, status, field", [
    ({"body": ""}, 400, "body"),
    ({"body": "x" * 4001}, 400, "body"),
    ({"body": "hi", "episode": 99}, 404, "episode"),
    ({"body": "hi", "episode": "two"}, 400, "episode"),
    ({"body": "hi", "parent_id": 987654}, 404, "parent_id"),
    ({"body": "hi", "spoiler_episode": 0}, 400, "spoiler_episode"),
    ({"body": "hi", "colour": "red"}, 400, "colour"),
])
def test_bad_comment_input_gets_a_4xx_naming_the_field(client, cat, people, bearer, body, status, field):
    r = client.post(f"/api/v1/releases/{cat.serial.id}/comments", json=body, headers=bearer(people.alice))
    assert r.status_code == status, r.get_json()
    assert r.get_json()["error"]["field"] == field
    assert Comment.select().count() == 0


def test_editing_or_deleting_someone_elses_comment_is_forbidden(client, cat, people, bearer):
    made = client.post(f"/api/v1/releases/{cat.serial.id}/comments", json={"body": "mine"},
                       headers=bearer(people.alice)).get_json()
    bob = bearer(people.bob)
    assert client.patch(f"/api/v1/comments/{made['id']}", json={"body": "x"}, headers=bob).status_code == 403
    assert client.delete(f"/api/v1/comments/{made['id']}", headers=bob).status_code == 403
    alice = bearer(people.alice)
    r = client.patch(f"/api/v1/comments/{made['id']}", json={"body": "edited"}, headers=alice)
    assert r.status_code == 200 and r.get_json()["edited_at"] is not None
    assert client.delete(f"/api/v1/comments/{made['id']}", headers=alice).status_code == 204
    assert Comment.get_by_id(made["id"]).status == "deleted"


def test_capped_members_get_404_for_comments_above_their_cap(client, cat, people, bearer):
    r = client.get(f"/api/v1/releases/{cat.ongoing.id}/comments", headers=bearer(people.kid))
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_the_rate_limit_answers_429(app, client, cat, people, bearer):
    app.config["SOCIAL_RATE_LIMIT"] = 2
    alice = bearer(people.alice)
    url = f"/api/v1/releases/{cat.serial.id}/comments"
    assert [client.post(url, json={"body": f"n{n}"}, headers=alice).status_code for n in range(3)] == [201, 201, 429]
    assert client.post(url, json={"body": "n9"}, headers=alice).get_json()["error"]["code"] == "rate_limited"


def test_a_review_round_trip_and_the_household_score_on_the_release(client, cat, people, bearer):
    alice, bob = bearer(people.alice), bearer(people.bob)
    url = f"/api/v1/releases/{cat.serial.id}/review"
    assert client.get(url, headers=alice).status_code == 404
    assert client.get(f"/api/v1/releases/{cat.serial.id}", headers=alice).get_json()["household_score"] is None
    r = client.put(url, json={"score": 9, "body": TEXT}, headers=alice)
    assert r.status_code == 201, r.get_json()
    review = r.get_json()
    assert review["progress"] == {"watched": 0, "total": 3}
    assert client.put(url, json={"score": 7, "body": TEXT}, headers=alice).status_code == 200
    client.put(url, json={"score": 4, "body": TEXT}, headers=bob)
    detail = client.get(f"/api/v1/releases/{cat.serial.id}", headers=bob).get_json()
    assert detail["household_score"] == {"mean": 5.5, "count": 2} and detail["title"] == cat.serial.title
    r = client.put(f"/api/v1/reviews/{review['id']}/helpful", headers=bob)
    assert r.get_json() == {"helpful_count": 1, "voted_helpful": True}
    r = client.put(f"/api/v1/reviews/{review['id']}/helpful", headers=alice)
    assert r.status_code == 403 and r.get_json()["error"]["field"] == "review_id"
    page = client.get(f"/api/v1/releases/{cat.serial.id}/reviews", headers=bob).get_json()
    assert page["total"] == 2 and page["items"][0]["id"] == review["id"]
    assert client.delete(url, headers=alice).status_code == 204
    assert Review.select().where(Review.status == "visible").count() == 1


@pytest.mark.parametrize("body, field", [({"score": 11, "body": TEXT}, "score"),
                                         ({"score": 5, "body": "short"}, "body"),
                                         ({"body": TEXT}, "score")])
def test_bad_review_input_is_refused_naming_the_field(client, cat, people, bearer, body, field):
    r = client.put(f"/api/v1/releases/{cat.serial.id}/review", json=body, headers=bearer(people.alice))
    assert r.status_code == 400 and r.get_json()["error"]["field"] == field
    assert Review.select().count() == 0


def test_report_moderate_mute_and_read_the_audit_log(client, cat, people, bearer):
    alice, bob, mod, owner = (bearer(u) for u in (people.alice, people.bob, people.mod, people.owner))
    made = client.post(f"/api/v1/releases/{cat.serial.id}/comments", json={"body": "rude"}, headers=alice).get_json()
    r = client.post(f"/api/v1/comments/{made['id']}/report", json={"reason": "insult"}, headers=bob)
    assert r.status_code == 201
    assert client.get("/api/v1/moderation/queue", headers=bob).status_code == 403
    queue = client.get("/api/v1/moderation/queue", headers=mod).get_json()
    assert queue["total"] == 1 and queue["items"][0]["reasons"] == ["insult"]
    r = client.post(f"/api/v1/moderation/comment/{made['id']}", json={"action": "hide", "reason": "insult"}, headers=mod)
    assert r.get_json() == {"kind": "comment", "id": made["id"], "status": "hidden"}
    r = client.post(f"/api/v1/moderation/comment/{made['id']}", json={"action": "burn"}, headers=mod)
    assert r.status_code == 400 and r.get_json()["error"]["field"] == "action"
    r = client.post("/api/v1/moderation/mutes", json={"user_id": people.alice.id, "days": 2}, headers=mod)
    assert r.status_code == 201
    r = client.post(f"/api/v1/releases/{cat.serial.id}/comments", json={"body": "again"}, headers=alice)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "muted"
    assert client.get("/api/v1/audit", headers=mod).status_code == 403
    log = client.get("/api/v1/audit", headers=owner).get_json()
    assert [e["action"] for e in log["items"]] == ["mute", "hide"]
    assert log["items"][1]["actor"] == "mod" and log["items"][1]["reason"] == "insult"

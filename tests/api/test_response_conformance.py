"""Real answers of every route, from a household with data in every table the API reads,
validate against the OpenAPI document strictly: a field that can be null must be
``nullable: true``, and an object may carry no field its schema does not list. (Schemathesis
checks shapes too, but on an empty household most fields are never null and most lists are
empty, and it allows extra fields.)"""
from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from anihome.clock import utcnow
from anihome.db import write_transaction
from anihome.models import JobRun, User
from tests.catalog.catalog_data import build_catalog as build_rich_catalog
from tests.conftest import make_app, make_user
from tests.library.conftest import build_catalog

from .conftest import bearer, in_db, new_token

#: GET routes whose answers are not JSON (a file), or that only echo a document.
NOT_JSON = {"/api/v1/export/mal", "/api/v1/openapi.json"}


def strict(node):
    """OpenAPI 3.0 schema -> JSON Schema 2020-12: ``nullable`` becomes a null type, and objects
    with listed properties are closed."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: strict(value) for key, value in node.items()}
    if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def _response_schema(document, path, method, status):
    response = document["paths"][path][method]["responses"].get(str(status))
    assert response is not None, f"{method.upper()} {path} answered {status}, which the document does not list"
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return (response.get("content") or {}).get("application/json", {}).get("schema")


@pytest.fixture
def household(tmp_path):
    app = make_app(tmp_path, API_RATE_LIMIT=0, SOCIAL_RATE_LIMIT=0, KODIK_URL="http://127.0.0.1:9",
                   KODIK_TIMEOUT=0.5)
    make_user(app, "owner", "owner")
    make_user(app, "member")
    cat = in_db(app, build_catalog)  # episodes, dubs, progress
    in_db(app, build_rich_catalog)  # genres, studios, ratings, airing dates
    users = in_db(app, lambda: {u.username: u for u in User.select()})
    yield app, cat, users
    app.extensions["anihome.db"].close()


def test_every_answer_of_a_lived_in_household_matches_its_schema_strictly(household):
    from jsonschema import Draft202012Validator

    app, cat, users = household
    client = app.test_client()
    owner, member = bearer(new_token(app, users["owner"])), bearer(new_token(app, users["member"]))
    document = client.get("/api/v1/openapi.json").get_json()
    components = strict(copy.deepcopy(document["components"]))
    answers: list[tuple[str, str, int, object]] = []  # (method, document path, status, json)

    def call(method, template, headers, json=None, **ids):
        path = template.format(**ids)
        answer = client.open("/api/v1" + path.split("/api/v1", 1)[-1], method=method.upper(), json=json,
                             headers=headers)
        doc_path = "/api/v1" + template.split("?")[0]
        if answer.mimetype == "application/json" and answer.status_code != 204:
            answers.append((method, doc_path, answer.status_code, answer.get_json()))
        return answer

    serial = cat.serial.id
    # a lived-in household: lists with and without dates, favorites, progress, follows, comments with a
    # reply, a review with a helpful vote, a report, a mute, a collection, a channel, an experiment
    call("put", "/lists/{release_id}", member, {"status": "watching", "notes": "with friends"}, release_id=serial)
    call("put", "/lists/{release_id}", member, {"status": "completed", "started_on": "2026-01-02",
                                                "finished_on": "2026-02-03"}, release_id=cat.movie.id)
    call("put", "/favorites/{release_id}", member, release_id=serial)
    episodes = call("get", "/releases/{release_id}/episodes", member, release_id=serial).get_json()["items"]
    call("put", "/progress", member, {"episode_id": episodes[0]["id"], "position": 300, "duration": 1440})
    call("put", "/progress", member, {"episode_id": episodes[1]["id"], "position": 1400, "duration": 1440,
                                      "watched": True})
    call("put", "/subscriptions/{release_id}", member, {}, release_id=serial)
    comment = call("post", "/releases/{release_id}/comments", member, {"body": "Great ||twist||"}, release_id=serial).get_json()
    call("post", "/releases/{release_id}/comments", owner, {"body": "Agreed.", "parent_id": comment["id"]},
         release_id=serial)
    call("post", "/releases/{release_id}/comments", member, {"body": "Episode talk", "season": 1, "episode": 1},
         release_id=serial)
    review = call("put", "/releases/{release_id}/review", member, {"score": 8, "spoiler_episode": 2,
                  "body": "A review long enough to count."}, release_id=serial).get_json()
    call("put", "/reviews/{review_id}/helpful", owner, review_id=review["id"])
    call("post", "/comments/{comment_id}/report", owner, {"reason": "Spoiler"}, comment_id=comment["id"])
    call("post", "/moderation/mutes", owner, {"user_id": users["member"].id, "days": 1, "reason": "Calm"})
    collection = call("post", "/collections", member, {"name": "Evening", "visibility": "household"}).get_json()
    call("post", "/collections/{collection_id}/items", member, {"release_id": serial}, collection_id=collection["id"])
    channel = call("post", "/channels", member, {"kind": "webhook", "url": "http://127.0.0.1:9/hook"}).get_json()
    call("post", "/channels", member, {"kind": "ntfy", "url": "https://ntfy.example.org", "topic": "t"})
    experiment = call("post", "/experiments", owner, {"name": "probe", "metric": "foryou_open",
                                                      "variants": [{"name": "a"}, {"name": "b"}]}).get_json()

    def seed_rows():
        from anihome.notify import outbox

        with write_transaction():
            outbox.write([outbox.New(users["member"].id, "episodes", "seed-1", cat.ongoing.id, cat.ongoing_tr.id,
                                     1, [5])])
            run = JobRun.create(job_id="backup", trigger="manual", status="failed", started_at=utcnow(),
                                finished_at=utcnow() + timedelta(seconds=2), counts='{"files": 0}',
                                error="OSError: disk")
        return run.id
    run_id = in_db(app, seed_rows)
    tokens = call("get", "/tokens", member).get_json()["items"]

    ids = {"release_id": serial, "collection_id": collection["id"], "channel_id": channel["channel"]["id"],
           "experiment_id": experiment["id"], "run_id": run_id, "id": users["member"].id,
           "token_id": tokens[0]["id"], "comment_id": comment["id"], "review_id": review["id"]}
    queries = {"/api/v1/search": "?q=serial", "/api/v1/autocomplete": "?q=se",
               "/api/v1/releases/{release_id}/comments": "?season=1&episode=1",
               "/api/v1/progress": "?release_id={release_id}", "/api/v1/analytics/predictions/{release_id}": "?days=7"}
    called = 0
    for path, item in document["paths"].items():
        op = item.get("get")
        if op is None or path in NOT_JSON:
            continue
        if "{name}" in path:
            continue  # the reports are files; their JSON form is the dashboard's own tables
        template = path.removeprefix("/api/v1")
        for headers in (member, owner):
            call("get", template + queries.get(path, ""), headers, **ids)
            called += 1
        if path == "/api/v1/releases/{release_id}/comments":
            call("get", template, member, **ids)  # the release's own thread (with the reply)
    assert called >= 80

    problems = []
    for method, path, status, body in answers:
        schema = _response_schema(document, path, method, status)
        if schema is None:
            continue
        validator = Draft202012Validator({**strict(copy.deepcopy(schema)), "components": components})
        for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))[:3]:
            where = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{method.upper()} {path} {status} at {where or '(root)'}: {error.message[:160]}")
    assert len(answers) > 100
    filled = {path for method, path, status, body in answers
              if status == 200 and isinstance(body, dict) and body.get("items")}
    assert {"/api/v1/lists", "/api/v1/favorites", "/api/v1/history", "/api/v1/notifications",
            "/api/v1/subscriptions", "/api/v1/channels", "/api/v1/collections", "/api/v1/releases",
            "/api/v1/releases/{release_id}/comments", "/api/v1/releases/{release_id}/reviews", "/api/v1/tokens",
            "/api/v1/moderation/queue", "/api/v1/audit", "/api/v1/genres", "/api/v1/calendar"} <= filled
    assert problems == [], "\n".join(problems)

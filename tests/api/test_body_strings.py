"""The OpenAPI document states what the server enforces on body strings: a field with
``minLength`` is refused blank (a 400 naming it), a field without one is not; a field with
``maxLength`` is refused one character longer and accepted at that length. Each operation
is called with a known-good body where one string field at a time is changed."""
from __future__ import annotations

import pytest

from anihome.models import User
from tests.conftest import make_app, make_user
from tests.library.conftest import build_catalog

from .conftest import bearer, in_db, new_token

#: (method, path, a body the server accepts) per operation whose body has free-text strings.
#: Channel fields other than the name (url, topic, token, chat_id, address) are required by
#: kind, which the document says in their descriptions; they are not probed here. POST /tokens
#: answers only a browser session (its label: tests/api/test_tokens_service.py).
GOOD = [
    ("post", "/api/v1/collections", {"name": "Evening"}),
    ("patch", "/api/v1/collections/{collection_id}", {"name": "Evening", "description": "Short ones."}),
    ("post", "/api/v1/releases/{release_id}/comments", {"body": "A first comment."}),
    ("patch", "/api/v1/comments/{own_comment_id}", {"body": "Edited words."}),
    ("post", "/api/v1/comments/{comment_id}/report", {"reason": "Spoilers without a shield."}),
    ("put", "/api/v1/releases/{release_id}/review", {"score": 8, "body": "Twenty characters at the very least."}),
    ("post", "/api/v1/reviews/{review_id}/report", {"reason": "Not about the show."}),
    ("post", "/api/v1/moderation/mutes", {"user_id": "{member_id}", "days": 1, "reason": "Calm down."}),
    ("post", "/api/v1/moderation/{kind}/{target_id}", {"action": "restore", "reason": "Fine after all."}),
    ("post", "/api/v1/channels", {"kind": "ntfy", "name": "Phone", "url": "https://ntfy.example.org", "topic": "t"}),
    ("put", "/api/v1/lists/{release_id}", {"status": "planned", "notes": "Later."}),
    ("post", "/api/v1/import/mal", {"xml": "<myanimelist></myanimelist>", "dry_run": True}),
    ("post", "/api/v1/experiments", {"name": "probe", "metric": "foryou_open",
                                     "variants": [{"name": "a"}, {"name": "b"}]}),
]
SKIPPED_FIELDS = {("/api/v1/channels", name) for name in ("url", "topic", "token", "chat_id", "address")}


@pytest.fixture
def world(tmp_path):
    app = make_app(tmp_path, API_RATE_LIMIT=0, SOCIAL_RATE_LIMIT=0, KODIK_URL="http://127.0.0.1:9")
    make_user(app, "owner", "owner")
    make_user(app, "member")
    cat = in_db(app, build_catalog)
    users = in_db(app, lambda: {u.username: u for u in User.select()})
    owner, member = bearer(new_token(app, users["owner"])), bearer(new_token(app, users["member"]))
    client = app.test_client()
    ids = {"release_id": cat.serial.id, "member_id": users["member"].id, "kind": "comment"}
    ids["collection_id"] = client.post("/api/v1/collections", json={"name": "Seed"}, headers=owner).get_json()["id"]
    ids["comment_id"] = client.post(f"/api/v1/releases/{cat.serial.id}/comments", json={"body": "Seed comment."},
                                    headers=member).get_json()["id"]
    ids["own_comment_id"] = client.post(f"/api/v1/releases/{cat.serial.id}/comments", json={"body": "Mine."},
                                        headers=owner).get_json()["id"]
    ids["review_id"] = client.put(f"/api/v1/releases/{cat.serial.id}/review",
                                  json={"score": 7, "body": "A seed review long enough."}, headers=member).get_json()["id"]
    yield app, client, owner, ids
    app.extensions["anihome.db"].close()


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


def _schema(document, method, path):
    body = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[1]
    return document["components"]["schemas"][name]


def _free_text(schema):
    return {name: prop for name, prop in schema["properties"].items()
            if prop.get("type") == "string" and "enum" not in prop and prop.get("format") != "date"}


def _schema_refuses(prop: dict, value: str) -> bool:
    """Whether ``value`` breaks the property's minLength or pattern (an ECMA regex; the
    ones used here read the same in Python)."""
    import re

    return len(value) < prop.get("minLength", 0) or ("pattern" in prop and not re.search(prop["pattern"], value))


def _field_refused(response, name):
    body = response.get_json(silent=True) or {}
    return response.status_code == 400 and body.get("error", {}).get("field") == name


def test_every_body_string_states_the_blank_and_length_rules_the_server_enforces(world):
    app, client, owner, ids = world
    document = client.get("/api/v1/openapi.json").get_json()
    wrong, probed = [], 0
    for method, template, good in GOOD:
        path = template.replace("{target_id}", "TARGET").format(**ids).replace("TARGET", "{target_id}")
        schema = _schema(document, method, template.replace("{own_comment_id}", "{comment_id}"))
        path = path.replace("{target_id}", str(ids["comment_id"]))
        base = {key: _fill(value, ids) for key, value in good.items()}
        first = client.open(path, method=method.upper(), json=base, headers=owner)
        assert first.status_code < 300, (template, first.get_data(as_text=True)[:300])
        for name, prop in _free_text(schema).items():
            if (template, name) in SKIPPED_FIELDS:
                continue
            probed += 1
            for blank in ("", "   "):
                answer = client.open(path, method=method.upper(), json={**base, name: blank}, headers=owner)
                if _field_refused(answer, name) != _schema_refuses(prop, blank):
                    wrong.append(f"{method} {template} {name}={blank!r}: {answer.status_code} "
                                 f"{answer.get_data(as_text=True)[:120]} but the schema says {prop}")
            if "maxLength" in prop:
                over = client.open(path, method=method.upper(), json={**base, name: "x" * (prop["maxLength"] + 1)},
                                   headers=owner)
                if not _field_refused(over, name):
                    wrong.append(f"{method} {template} {name} of maxLength+1: {over.status_code}")
                at = client.open(path, method=method.upper(), json={**base, name: "x" * prop["maxLength"]},
                                 headers=owner)
                if _field_refused(at, name):
                    wrong.append(f"{method} {template} {name} of maxLength: refused {at.get_data(as_text=True)[:120]}")
    assert probed >= 14
    assert wrong == [], "\n".join(wrong)

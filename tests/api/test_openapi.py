"""The OpenAPI document matches the routes in app.url_map, and every reference in it resolves."""
from __future__ import annotations

import json
import re

from anihome.api.openapi import openapi_path

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]


def _document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_public_openapi_3(client):
    document = _document(client)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] and document["info"]["version"]
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}


def test_every_api_route_is_documented_with_its_methods(app, client):
    documented = {(path, method.upper()) for path, item in _document(client)["paths"].items()
                  for method in item}
    routed = {(openapi_path(rule.rule), method) for rule in _api_rules(app)
              for method in rule.methods - IGNORED_METHODS}
    assert routed - documented == set(), "routes missing from openapi.json (declare them with api_route)"
    assert documented - routed == set(), "documented routes that do not exist"


def test_every_operation_declares_access_responses_and_errors(client):
    document = _document(client)
    operation_ids = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            operation_ids.append(op["operationId"])
            assert op["summary"], where
            assert any(code.startswith("2") for code in op["responses"]), where
            assert {"429", "500"} <= set(op["responses"]), where
            if op["x-access-level"] == "public":
                assert op["security"] == [], where
            else:
                assert {"bearerAuth": []} in op["security"] and "401" in op["responses"], where
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), where
            names = [(p["name"], p["in"]) for p in op.get("parameters", [])]
            assert len(names) == len(set(names)), where
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"


def test_every_reference_in_the_document_resolves(client):
    document = _document(client)
    refs = set(re.findall(r'"\$ref": "#/([^"]+)"', json.dumps(document)))
    assert refs
    for ref in refs:
        node = document
        for part in ref.split("/"):
            assert part in node, f"unresolved $ref #/{ref}"
            node = node[part]


def test_the_error_schema_matches_real_error_answers(client):
    schema = _document(client)["components"]["schemas"]["Error"]
    body = client.get("/api/v1/me").get_json()
    assert set(body) == set(schema["required"])
    assert set(body["error"]) <= set(schema["properties"]["error"]["properties"])
    assert set(schema["properties"]["error"]["required"]) <= set(body["error"])


def test_documented_success_schemas_match_real_answers(app, client, member):
    from .conftest import bearer, new_token

    document = _document(client)
    schemas = document["components"]["schemas"]
    token = new_token(app, member)
    for path, schema_name in (("/api/v1/health", "Health"), ("/api/v1/me", "Me")):
        body = client.get(path, headers=bearer(token)).get_json()
        assert set(body) == set(schemas[schema_name]["properties"]), path
        assert set(schemas[schema_name]["required"]) <= set(body), path
    page = client.get("/api/v1/tokens", headers=bearer(token)).get_json()
    assert set(page["items"][0]) == set(schemas["ApiToken"]["properties"])

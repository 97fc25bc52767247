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


# The keywords an OpenAPI 3.0 Schema Object may hold (OAS 3.0.3, "Schema Object").
SCHEMA_KEYWORDS = {
    "title", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
    "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties",
    "required", "enum", "type", "not", "allOf", "oneOf", "anyOf", "items", "properties",
    "additionalProperties", "description", "format", "default", "nullable", "discriminator",
    "readOnly", "writeOnly", "example", "externalDocs", "deprecated", "xml",
}
SCHEMA_TYPES = {"array", "boolean", "integer", "number", "object", "string"}
PARAMETER_KEYS = {"name", "in", "description", "required", "deprecated", "allowEmptyValue", "style",
                  "explode", "allowReserved", "schema", "example", "examples"}


def _check_schema(schema, where, problems):
    if "$ref" in schema:
        if set(schema) != {"$ref"}:
            problems.append(f"{where}: $ref beside other keys (3.0 ignores them)")
        return
    extra = {k for k in schema if not k.startswith("x-")} - SCHEMA_KEYWORDS
    if extra:
        problems.append(f"{where}: not 3.0 schema keywords {sorted(extra)}")
    if "type" in schema and (not isinstance(schema["type"], str) or schema["type"] not in SCHEMA_TYPES):
        problems.append(f"{where}: type {schema['type']!r} (use nullable: true for null)")
    if "required" in schema and not schema["required"]:
        problems.append(f"{where}: empty required list")
    if schema.get("type") == "array" and "items" not in schema:
        problems.append(f"{where}: array without items")
    for key in ("properties",):
        for name, sub in schema.get(key, {}).items():
            _check_schema(sub, f"{where}.{name}", problems)
    for key in ("items", "not") + (("additionalProperties",) if isinstance(schema.get("additionalProperties"), dict) else ()):
        if key in schema:
            _check_schema(schema[key], f"{where}.{key}", problems)
    for key in ("allOf", "oneOf", "anyOf"):
        for index, sub in enumerate(schema.get(key, [])):
            _check_schema(sub, f"{where}.{key}[{index}]", problems)


def test_every_schema_and_parameter_is_valid_openapi_3_0(client):
    document = _document(client)
    problems = []
    for name, schema in document["components"]["schemas"].items():
        _check_schema(schema, f"components.schemas.{name}", problems)
    for path, item in document["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            for param in op.get("parameters", []):
                if set(param) - PARAMETER_KEYS or param["in"] not in {"path", "query", "header", "cookie"}:
                    problems.append(f"{where}: parameter {param.get('name')} has unknown keys")
                if param["in"] == "path" and param.get("required") is not True:
                    problems.append(f"{where}: path parameter {param['name']} must be required")
                _check_schema(param["schema"], f"{where} param {param['name']}", problems)
            if "requestBody" in op:
                for media in op["requestBody"]["content"].values():
                    _check_schema(media["schema"], f"{where} body", problems)
            for code, response in op["responses"].items():
                if "$ref" not in response:
                    if "description" not in response:
                        problems.append(f"{where} {code}: response without description")
                    for media in response.get("content", {}).values():
                        _check_schema(media["schema"], f"{where} {code}", problems)
    assert problems == []

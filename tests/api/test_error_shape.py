"""Every failure under /api/ answers the one JSON error shape {"error": {"code", "message", "field"?}}."""
from __future__ import annotations

from .conftest import assert_error, bearer, new_token, sign_in


def _session_post(client, csrf, path, **kwargs):
    sign_in(client, "member")
    headers = {"X-CSRFToken": csrf(client, "/"), **kwargs.pop("headers", {})}
    return client.post(path, headers=headers, **kwargs)


def test_unknown_api_routes_answer_json_404(client):
    for path in ("/api/v1/nowhere", "/api/v2/health", "/api/", "/api/v1/tokens/abc"):
        assert_error(client.get(path), 404, "not_found")


def test_a_wrong_method_answers_json_405_with_allow(client):
    response = client.put("/api/v1/health")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_missing_and_bad_tokens_answer_json_401(client, member):
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")
    assert_error(client.get("/api/v1/me", headers=bearer("ah_wrong")), 401, "invalid_token")


def test_a_body_over_the_size_limit_answers_json_413(make_client, csrf):
    app, client = make_client(MAX_UPLOAD_MB=1)
    response = _session_post(client, csrf, "/api/v1/tokens", data=b'{"label": "' + b"x" * (1024 * 1024 + 10) + b'"}',
                             content_type="application/json")
    assert_error(response, 413, "payload_too_large")


def test_a_body_that_is_not_json_answers_415(client, member, csrf):
    response = _session_post(client, csrf, "/api/v1/tokens", data="label=x",
                             content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")
    response = _session_post(client, csrf, "/api/v1/tokens", data='{"label": "x"}', content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")
    assert client.get("/api/v1/tokens").get_json()["total"] == 0


def test_malformed_json_answers_400(client, member, csrf):
    for body in ('{"label": ', "[1, 2]", '"text"', '{"label": "x",}', b"\xff\xfe{}", "[" * 100_000,
                 '{"label": ' + "1" * 5000 + "}"):
        response = _session_post(client, csrf, "/api/v1/tokens", data=body, content_type="application/json")
        assert_error(response, 400, "invalid_json")
    assert client.get("/api/v1/tokens").get_json()["total"] == 0


def test_a_bad_field_answers_400_naming_it(client, member, csrf):
    assert_error(_session_post(client, csrf, "/api/v1/tokens", json={"label": "x" * 61}), 400, field="label")
    assert_error(_session_post(client, csrf, "/api/v1/tokens", json={"label": 5}), 400, field="label")
    assert_error(_session_post(client, csrf, "/api/v1/tokens", json={"lable": "x"}), 400, field="lable")
    assert client.get("/api/v1/tokens").get_json()["total"] == 0


def test_bad_query_parameters_answer_400_naming_them(app, client, member):
    token = new_token(app, member)
    for query, field in (("page=0", "page"), ("per_page=1000", "per_page"), ("per_page=abc", "per_page"),
                         ("page=1.5", "page"), ("page=-3", "page")):
        assert_error(client.get(f"/api/v1/tokens?{query}", headers=bearer(token)), 400, field=field)


def test_an_unexpected_error_answers_json_500_without_details(app, client, member, monkeypatch):
    import anihome.api.routes_system as routes

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(routes, "pick_language", boom)
    response = client.get("/api/v1/me", headers=bearer(new_token(app, member)))
    error = assert_error(response, 500, "internal_error")
    assert "secret internals" not in error["message"]


def test_error_answers_also_carry_rate_limit_headers(client):
    response = client.get("/api/v1/nowhere")
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(response.headers.keys())

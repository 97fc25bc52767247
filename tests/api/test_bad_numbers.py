"""Numbers too big for the database answer a 4xx, never a 500 or a misleading 405.

- an id past 2**63-1 in any API route's path: 401 without a token, 404 with one, for every
  method the route has (a converter that refused it made the other methods answer 405);
- a huge ``page`` on /lists and /favorites, a huge ``before`` on /history: 400 naming it.
"""
from __future__ import annotations

import re

from .conftest import assert_error, bearer, in_db, new_token

HUGE = "99999999999999999999"


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and "<int:" in rule.rule:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, re.sub(r"<int:[^>]+>", HUGE, rule.rule)


def test_oversized_ids_answer_401_without_a_token_and_404_with_one_on_every_method(make_client):
    app, client = make_client(API_RATE_LIMIT=0)
    from anihome.models import User

    owner = in_db(app, lambda: User.get(User.username == "owner"))
    token = bearer(new_token(app, owner))
    calls = list(_int_routes(app))
    assert len(calls) > 10
    for method, url in calls:
        assert_error(client.open(url, method=method), 401)
        answer = client.open(url, method=method, headers=token, json={})
        assert answer.status_code == 404, f"{method} {url} -> {answer.status_code}"
        assert_error(answer, 404)


def _signed_in_member(make_client):
    from tests.conftest import sign_in

    app, client = make_client()
    assert sign_in(client, "member").status_code == 302
    return client


def test_a_huge_page_or_before_is_a_400_naming_the_field(make_client):
    client = _signed_in_member(make_client)
    for url, field in (("/lists?page=" + HUGE, "page"), ("/favorites?page=" + HUGE, "page"),
                       ("/lists?page=0", "page"), ("/favorites?page=x", "page"),
                       ("/history?before=" + HUGE, "before"), ("/history?before=-1", "before"),
                       ("/lists?status=watching&page=1e9", "page")):
        answer = client.get(url)
        assert answer.status_code == 400, url
        assert field in answer.get_data(as_text=True), url
    for url in ("/lists?page=2", "/favorites?page=1", "/history?before=5", "/history"):
        assert client.get(url).status_code == 200, url

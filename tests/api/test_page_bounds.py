"""One page-bounds rule for every paginated list (anihome.paging): page 1..5000 and per_page
1..100, stated in the OpenAPI document; beyond them a 400 naming the parameter; a page past
the last one within the bounds is empty, with the real total and pages."""
from anihome.paging import MAX_PAGE, MAX_PER_PAGE
from tests.library.conftest import build_catalog

from .conftest import assert_error, bearer, in_db, new_token


def _paginated(document):
    """(path, operation) of every operation that takes a ``page`` parameter."""
    for path, item in document["paths"].items():
        for method, op in item.items():
            names = {p["name"] for p in op.get("parameters", ())}
            if "page" in names:
                assert method == "get", path
                yield path, op


def _url(path, release_id):
    url = "/api/v1" + path.removeprefix("/api/v1").replace("{release_id}", str(release_id))
    return url + ("?q=a&" if path.endswith("/search") else "?")


def test_every_paginated_list_declares_the_same_bounds(make_client):
    app, client = make_client()
    document = client.get("/api/v1/openapi.json").get_json()
    found = list(_paginated(document))
    assert len(found) >= 12
    for path, op in found:
        params = {p["name"]: p["schema"] for p in op["parameters"]}
        assert (params["page"]["minimum"], params["page"]["maximum"]) == (1, MAX_PAGE), path
        assert (params["per_page"]["minimum"], params["per_page"]["maximum"]) == (1, MAX_PER_PAGE), path
        page_schema = op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["page"]
        assert page_schema["maximum"] == MAX_PAGE, path


def test_every_paginated_list_refuses_a_page_beyond_the_bound_and_answers_a_late_page_empty(make_client):
    app, client = make_client()
    cat = in_db(app, build_catalog)
    from anihome.models import User

    owner = in_db(app, lambda: User.get(User.username == "owner"))
    headers = bearer(new_token(app, owner))
    document = client.get("/api/v1/openapi.json").get_json()
    for path, _ in _paginated(document):
        url = _url(path, cat.serial.id)
        assert_error(client.get(url + f"page={MAX_PAGE + 1}", headers=headers), 400, field="page")
        assert_error(client.get(url + "page=1&page=2", headers=headers), 400, field="page")
        assert_error(client.get(url + f"per_page={MAX_PER_PAGE + 1}", headers=headers), 400, field="per_page")
        late = client.get(url + f"page={MAX_PAGE}&per_page=3", headers=headers)
        assert late.status_code == 200, (path, late.get_data(as_text=True)[:200])
        body = late.get_json()
        assert body["items"] == [] and body["page"] == MAX_PAGE and body["per_page"] == 3, path
        assert body["pages"] == -(-body["total"] // 3), path


def test_a_late_search_page_says_which_page_it_is(make_client):
    app, client = make_client()
    in_db(app, build_catalog)
    from anihome.models import User

    headers = bearer(new_token(app, in_db(app, lambda: User.get(User.username == "owner"))))
    body = client.get("/api/v1/search?q=a&page=600", headers=headers).get_json()
    assert body["page"] == 600 and body["items"] == []

"""docs/api.md lists every API route (a row per method and path) and no route that is gone."""
from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"
_ROW = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE)` \| `(/api/v1/[^`]*)` \|", re.MULTILINE)


def test_every_api_route_has_a_row_in_docs_api_md(client):
    document = client.get("/api/v1/openapi.json").get_json()
    routes = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    rows = set(_ROW.findall(DOCS.read_text(encoding="utf-8")))
    assert sorted(routes - rows) == [], "add these routes to the table in docs/api.md (## Routes)"
    assert sorted(rows - routes) == [], "docs/api.md lists routes that no longer exist"


def test_docs_api_md_explains_the_shared_rules():
    text = DOCS.read_text(encoding="utf-8")
    for heading in ("## Authentication", "## Errors", "## Pagination", "## Rate limits", "## Adding a route"):
        assert heading in text
    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After",
                 "WWW-Authenticate", "X-CSRFToken", "per_page"):
        assert name in text

"""A member can never read or change another member's progress, history, lists, favorites
or private collections: every library route (HTML and API) is exercised as Bob against
Alice's data, and Alice's data must be unchanged afterwards."""
import pytest

from anihome.accounts import tokens
from anihome.library import collections, episodes, favorites, lists, progress
from anihome.models import (Collection, CollectionItem, ContinueHidden, Favorite, ListEntry,
                            ReleaseChoice, WatchEvent, WatchProgress)

from .conftest import meta_csrf, sign_in_as

LIBRARY_BLUEPRINTS = ("player", "library", "collections", "library_io")
LIBRARY_API_PREFIXES = ("/api/v1/progress", "/api/v1/continue-watching", "/api/v1/history",
                        "/api/v1/lists", "/api/v1/favorites", "/api/v1/collections",
                        "/api/v1/export", "/api/v1/import")


@pytest.fixture
def alices_data(cat, alice):
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 1), 1400, 1440)
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 2), 500, 1440)
    lists.set_entry(alice.id, cat.movie.id, {"status": "planned", "score": 7})
    favorites.add(alice.id, cat.ongoing.id)
    private = collections.create(alice.id, "Secret", "mine", "private")
    collections.add_item(alice.id, private.id, cat.serial.id)
    collections.add_item(alice.id, private.id, cat.movie.id)
    shared = collections.create(alice.id, "Shared", "", "household")
    collections.add_item(alice.id, shared.id, cat.movie.id)
    event = WatchEvent.get(WatchEvent.user == alice.id)
    return {"private": private.id, "shared": shared.id, "event": event.id}


def alice_rows(alice):
    """Every row Alice owns in every member table, as plain tuples."""
    models = (WatchProgress, WatchEvent, ListEntry, Favorite, Collection, ContinueHidden, ReleaseChoice)
    rows = {m.__name__: sorted(m.select().where(m.user == alice.id).tuples()) for m in models}
    rows["CollectionItem"] = sorted(CollectionItem.select().join(Collection)
                                    .where(Collection.user == alice.id).tuples())
    return rows


def html_cases(cat, ids):
    p, s, e, r = ids["private"], ids["shared"], ids["event"], cat.serial.id
    return [
        ("GET", "/continue", {}), ("GET", "/lists", {}), ("GET", "/favorites", {}), ("GET", "/history", {}),
        ("GET", "/history/clear", {}), ("GET", "/collections/", {}), ("GET", "/import", {}),
        ("GET", "/export", {}), ("GET", "/export/mal.xml", {}), ("GET", "/export/anihome.json", {}),
        ("GET", f"/watch/{r}", {}), ("GET", f"/collections/{p}", {}), ("GET", f"/collections/{s}", {}),
        ("POST", f"/lists/{cat.movie.id}/delete", {}), ("POST", f"/favorites/{cat.ongoing.id}", {"on": "0"}),
        ("POST", f"/history/{e}/delete", {}), ("POST", "/history/clear", {"confirm": "yes"}),
        ("POST", f"/continue/{r}/hide", {}),
        ("POST", f"/collections/{p}", {"name": "Pwned"}), ("POST", f"/collections/{s}", {"name": "Pwned"}),
        ("POST", f"/collections/{p}/delete", {}), ("POST", f"/collections/{s}/delete", {}),
        ("POST", f"/collections/{p}/move", {"step": "1"}),
        ("POST", f"/collections/{p}/items", {"release_id": str(cat.ongoing.id)}),
        ("POST", f"/collections/{s}/items", {"release_id": str(cat.ongoing.id)}),
        ("POST", f"/collections/{p}/items/{r}/delete", {}), ("POST", f"/collections/{s}/items/{cat.movie.id}/delete", {}),
        ("POST", f"/collections/{p}/items/{cat.movie.id}/move", {"step": "-1"}),
        ("POST", "/collections/", {"name": "Bob's own"}),
        ("POST", "/collections/add", {"collection_id": str(p), "release_id": str(cat.ongoing.id)}),
        ("POST", f"/lists/{cat.movie.id}", {"score": "1"}),
        ("POST", f"/lists/{r}/watched-through", {"translation_id": str(cat.movie_tr.id), "through": "1-1"}),
        ("POST", "/import/apply", {"token": "0" * 32}),
    ]


def api_cases(cat, ids):
    p, s, e, r = ids["private"], ids["shared"], ids["event"], cat.serial.id
    return [
        ("GET", f"/api/v1/progress?release_id={r}", None), ("GET", "/api/v1/continue-watching", None),
        ("GET", "/api/v1/history", None), ("GET", "/api/v1/lists", None),
        ("GET", f"/api/v1/lists/{cat.movie.id}", None), ("GET", "/api/v1/favorites", None),
        ("GET", "/api/v1/collections", None), ("GET", "/api/v1/collections?scope=shared", None),
        ("GET", f"/api/v1/collections/{p}", None), ("GET", f"/api/v1/collections/{s}", None),
        ("GET", "/api/v1/export/mal", None), ("GET", "/api/v1/export/json", None),
        ("DELETE", f"/api/v1/history/{e}", None), ("DELETE", "/api/v1/history?confirm=true", None),
        ("DELETE", f"/api/v1/lists/{cat.movie.id}", None), ("DELETE", f"/api/v1/favorites/{cat.ongoing.id}", None),
        ("POST", f"/api/v1/continue-watching/{r}/hide", {}),
        ("PATCH", f"/api/v1/collections/{p}", {"name": "Pwned"}), ("PATCH", f"/api/v1/collections/{s}", {"name": "Pwned"}),
        ("DELETE", f"/api/v1/collections/{p}", None), ("DELETE", f"/api/v1/collections/{s}", None),
        ("POST", f"/api/v1/collections/{p}/items", {"release_id": cat.ongoing.id}),
        ("POST", f"/api/v1/collections/{s}/items", {"release_id": cat.ongoing.id}),
        ("DELETE", f"/api/v1/collections/{p}/items/{r}", None),
        ("PUT", f"/api/v1/collections/{p}/items/order", {"order": [cat.movie.id, r]}),
        ("PUT", "/api/v1/collections/order", {"order": [s, p]}),
        ("PUT", "/api/v1/progress", {"episode_id": cat.serial_eps[1].id, "position": 20, "duration": 1440}),
        ("PUT", f"/api/v1/lists/{cat.movie.id}", {"status": "dropped"}),
        ("PUT", f"/api/v1/favorites/{cat.ongoing.id}", None),
        ("POST", "/api/v1/collections", {"name": "Bob's"}),
        ("POST", "/api/v1/import/mal", {"xml": "<myanimelist><anime><series_animedb_id>303</series_animedb_id>"
                                               "<my_status>Dropped</my_status></anime></myanimelist>"}),
    ]


def test_every_html_route_keeps_alices_data_hidden_and_unchanged(client, cat, alice, bob, alices_data):
    before = alice_rows(alice)
    sign_in_as(client, bob)
    token = meta_csrf(client)
    for method, url, form in html_cases(cat, alices_data):
        if method == "GET":
            r = client.get(url)
            body = r.get_data(as_text=True)
            assert "Secret" not in body, url
            if url not in (f"/collections/{alices_data['shared']}", "/collections/"):
                assert "Shared" not in body or url.startswith("/watch"), url
            assert r.status_code in (200, 404), (url, r.status_code)
            if url in ("/lists", "/favorites", "/history"):
                assert "A Movie" not in body and "Ongoing Serial" not in body and "Finished Serial" not in body, url
            if url == f"/collections/{alices_data['private']}":
                assert r.status_code == 404
        else:
            r = client.post(url, data=dict(form, csrf_token=token))
            assert r.status_code in (302, 404), (url, r.status_code)
    assert alice_rows(alice) == before
    mal_xml = client.get("/export/mal.xml").data
    assert b"<series_animedb_id>" not in mal_xml


def test_every_api_route_with_bobs_token_keeps_alices_data_hidden_and_unchanged(client, cat, alice, bob, alices_data):
    before = alice_rows(alice)
    plaintext, _ = tokens.create(bob, "bob")
    auth = {"Authorization": f"Bearer {plaintext}"}
    for method, url, body in api_cases(cat, alices_data):
        r = client.open(url, method=method, json=body, headers=auth)
        assert r.status_code < 500, (url, r.status_code)
        text = r.get_data(as_text=True)
        assert "Secret" not in text, url
        if method == "GET" and "shared" not in url and url != f"/api/v1/collections/{alices_data['shared']}":
            assert "A Movie" not in text and "Ongoing Serial" not in text, url
        if url.endswith(f"/collections/{alices_data['private']}") and method == "GET":
            assert r.status_code == 404
        if url.startswith(("/api/v1/progress?", "/api/v1/history", "/api/v1/continue")) and method == "GET":
            assert r.get_json().get("items") == [], url
    assert alice_rows(alice) == before


def test_the_case_tables_cover_every_library_route(app, cat, alices_data):
    html = {url.split("?")[0] for _, url, _ in html_cases(cat, alices_data)}
    api = {(m, url.split("?")[0]) for m, url, _ in api_cases(cat, alices_data)}
    missing = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        is_api = rule.rule.startswith(LIBRARY_API_PREFIXES)
        if blueprint not in LIBRARY_BLUEPRINTS and not is_api:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            pattern = rule.rule
            for name in ("release_id", "collection_id", "event_id"):
                pattern = pattern.replace(f"<int:{name}>", "*")
            candidates = api if is_api else {("X", u) for u in html}
            found = any(_matches(pattern, u) and (not is_api or m == method) for m, u in candidates)
            if not found:
                missing.append((method, rule.rule))
    assert missing == []


def _matches(pattern: str, url: str) -> bool:
    parts, have = pattern.strip("/").split("/"), url.strip("/").split("/")
    return len(parts) == len(have) and all(p == "*" and h.isdigit() or p == h for p, h in zip(parts, have))


def test_the_player_never_resumes_from_another_members_position(client, cat, alice, bob, alices_data):
    sign_in_as(client, bob)
    html = client.get(f"/watch/{cat.serial.id}?translation={cat.voice.id}&season=1&episode=2").get_data(as_text=True)
    assert "start_from" not in html and 'data-watched="0"' in html
    assert "✓" not in html  # Alice's watched episode 1 is not marked for Bob

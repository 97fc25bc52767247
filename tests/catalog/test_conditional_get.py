"""Conditional GETs: pages and API answers carry an ETag and answer 304 while the caller holds
the same answer; the tag changes with the member, the language and any change the page shows,
so a 304 never crosses members."""
from anihome.accounts import tokens
from anihome.library import lists
from tests.catalog.conftest import signed_in
from tests.conftest import make_user


def _db(app):
    return app.app_context(), app.extensions["anihome.db"].connection_context()


def test_a_page_the_browser_holds_answers_304_until_something_on_it_changes(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    first = as_alice.get("/")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.startswith('W/"')
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = as_alice.get("/", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    with _db(app)[0], _db(app)[1]:
        lists.set_entry(alice.id, catalog.aot, {"status": "watching"})
        from anihome.library import episodes, progress
        from anihome.models import Translation

        progress.save(alice.id, episodes.ref_for(Translation.get_by_id(catalog.translations["aot"][0].id), 1, 1),
                      700, 1440)
    changed = as_alice.get("/", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert "Continue watching" in changed.get_data(as_text=True)


def test_a_304_never_crosses_members_or_languages(app, users, catalog):
    alice, bob = make_user(app, "alice", "member"), make_user(app, "bob", "member")
    as_alice, as_bob = signed_in(app, alice), signed_in(app, bob)
    tag = as_alice.get("/browse").headers["ETag"]
    answer = as_bob.get("/browse", headers={"If-None-Match": tag})
    assert answer.status_code == 200 and ">bob</a>" in answer.get_data(as_text=True)
    as_alice.set_cookie("lang", "ru")
    answer = as_alice.get("/browse", headers={"If-None-Match": tag})
    assert answer.status_code == 200 and 'lang="ru"' in answer.get_data(as_text=True)


def test_a_release_page_with_a_comment_form_is_never_answered_304(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    first = as_alice.get(f"/releases/{catalog.aot}")
    assert first.status_code == 200 and "ETag" not in first.headers
    assert as_alice.get(f"/releases/{catalog.aot}", headers={"If-None-Match": "*"}).status_code == 200


def test_api_answers_carry_an_etag_per_member_and_answer_304_to_the_same_member(app, users, catalog):
    alice, bob = make_user(app, "alice", "member"), make_user(app, "bob", "member")
    with _db(app)[0], _db(app)[1]:
        as_alice = {"Authorization": f"Bearer {tokens.create(alice, 'test')[0]}"}
        as_bob = {"Authorization": f"Bearer {tokens.create(bob, 'test')[0]}"}
    client = app.test_client()
    first = client.get("/api/v1/releases", headers=as_alice)
    tag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    again = client.get("/api/v1/releases", headers={**as_alice, "If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b"" and "X-RateLimit-Limit" in again.headers
    theirs = client.get("/api/v1/releases", headers={**as_bob, "If-None-Match": tag})
    assert theirs.status_code == 200 and theirs.get_data() == first.get_data()  # same answer, another member
    assert theirs.headers["ETag"] != tag
    other = client.get(f"/api/v1/releases/{catalog.aot}", headers={**as_alice, "If-None-Match": tag})
    assert other.status_code == 200

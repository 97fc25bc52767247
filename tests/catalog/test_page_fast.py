"""The fast path for cached member pages (web/page_fast.py): a page already in the member's page
cache is answered ahead of Flask with the same body and the same headers (security headers,
ETag, 304s included), and every request it is not sure about goes to Flask: another member,
a signed-out or ended session, a role change, flash messages, maintenance, an unknown Host, a
household screen. A release page's view event is recorded either way."""
from anihome.accounts import session_records, users as accounts
from anihome.cache import get_cache
from anihome.ops.maintenance import _flag
from tests.catalog.conftest import signed_in
from tests.conftest import make_user
from tests.support.web import csrf_from, fast_get, fast_pages

PAGES = ("/", "/browse", "/browse?sort=title&page=1")


def _db(app):
    return app.app_context(), app.extensions["anihome.db"].connection_context()


def _warm(client, path) -> None:
    """Two loads: the first stores the page (and re-signs the cookie once: flask-login marks a
    session not fresh), the second verifies that cookie; from then on the fast path answers."""
    for _ in range(2):
        assert client.get(path).status_code == 200


def _normal(app, client, path, **kwargs):
    """The same request through Flask's normal path (the fast path switched off for it)."""
    fast_pages(app).enabled = False
    try:
        return client.get(path, **kwargs)
    finally:
        fast_pages(app).enabled = True


def test_a_cached_page_is_answered_ahead_of_flask_with_the_same_body_and_headers(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    for path in PAGES:
        first, fast = fast_get(app, as_alice, path)  # rendered and stored by Flask
        assert first.status_code == 200 and not fast
        _warm(as_alice, path)
        again, fast = fast_get(app, as_alice, path)
        assert fast and again.status_code == 200
        normal = _normal(app, as_alice, path)
        assert again.get_data() == normal.get_data()
        assert list(again.headers.items()) == list(normal.headers.items())
        assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
        assert again.headers["ETag"] == normal.headers["ETag"] == first.headers["ETag"]
        assert "Set-Cookie" not in again.headers and "page-hole" not in again.get_data(as_text=True)


def test_a_304_from_the_fast_path_has_the_normal_paths_headers(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    _warm(as_alice, "/browse")
    tag = as_alice.get("/browse").headers["ETag"]
    held, fast = fast_get(app, as_alice, "/browse", headers={"If-None-Match": tag})
    normal = _normal(app, as_alice, "/browse", headers={"If-None-Match": tag})
    assert fast and held.status_code == normal.status_code == 304 and held.get_data() == b""
    without_date = lambda r: [(k, v) for k, v in r.headers.items() if k != "Date"]  # noqa: E731
    assert without_date(held) == without_date(normal)
    stale, fast = fast_get(app, as_alice, "/browse", headers={"If-None-Match": 'W/"other"'})
    assert fast and stale.status_code == 200 and stale.headers["ETag"] == tag


def test_another_member_never_gets_the_page_and_gets_their_own_from_the_fast_path(app, users, catalog):
    alice, bob = make_user(app, "alice", "member"), make_user(app, "bob", "member")
    as_alice, as_bob = signed_in(app, alice), signed_in(app, bob)
    _warm(as_alice, "/browse")
    mine, fast = fast_get(app, as_alice, "/browse")
    assert fast and ">alice</a>" in mine.get_data(as_text=True)
    theirs, fast = fast_get(app, as_bob, "/browse")  # bob's own page is not cached yet
    assert not fast and ">bob</a>" in theirs.get_data(as_text=True)
    as_bob.get("/browse")
    theirs, fast = fast_get(app, as_bob, "/browse")
    text = theirs.get_data(as_text=True)
    assert fast and ">bob</a>" in text and ">alice</a>" not in text
    assert csrf_from(text) != csrf_from(mine.get_data(as_text=True))


def test_signing_out_or_ending_the_session_elsewhere_is_seen_on_the_next_request(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    _warm(as_alice, "/browse")
    page = as_alice.get("/browse").get_data(as_text=True)
    assert fast_get(app, as_alice, "/browse")[1]
    old_cookie = as_alice.get_cookie("anihome_session").value
    assert as_alice.post("/logout", data={"csrf_token": csrf_from(page)}).status_code in (302, 303)
    answer, fast = fast_get(app, as_alice, "/browse")
    assert not fast and answer.status_code == 302 and "/login" in answer.headers["Location"]
    replay = app.test_client()
    replay.set_cookie("anihome_session", old_cookie)  # the cookie from before signing out
    answer, fast = fast_get(app, replay, "/browse")
    assert not fast and answer.status_code == 302

    other = signed_in(app, alice)
    _warm(other, "/browse")
    assert fast_get(app, other, "/browse")[1]
    with _db(app)[0], _db(app)[1]:
        session_records.revoke_all(alice.id, reason="test")
    answer, fast = fast_get(app, other, "/browse")
    assert not fast and answer.status_code == 302


def test_a_role_change_or_a_disabled_account_takes_effect_on_the_next_request(app, users, catalog):
    alice = make_user(app, "alice", "admin")
    as_alice = signed_in(app, alice)
    _warm(as_alice, "/browse")
    answer, fast = fast_get(app, as_alice, "/browse")
    assert fast and "/admin/members" in answer.get_data(as_text=True)
    with _db(app)[0], _db(app)[1]:
        accounts.update_member(users["owner"], alice.id, role="member")
    answer, fast = fast_get(app, as_alice, "/browse")
    assert not fast and "/admin/members" not in answer.get_data(as_text=True)
    with _db(app)[0], _db(app)[1]:
        accounts.set_active(users["owner"], alice.id, False)
    answer, fast = fast_get(app, as_alice, "/browse")
    assert not fast and answer.status_code == 302


def test_the_member_is_checked_against_the_pages_access_level_on_everyfast_get(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    _warm(as_alice, "/browse")
    assert fast_get(app, as_alice, "/browse")[1]
    with _db(app)[0], _db(app)[1]:
        from anihome.models import User

        User.update(role="nobody").where(User.id == alice.id).execute()  # behind every signal's back
    cache = get_cache(app)
    for key in [k for k in cache._data if k.startswith("session:")]:
        user, expires = cache._data[key].value
        if user.id == alice.id:
            user.role = "nobody"  # as the cached sign-in would hold it after a reload
    answer, fast = fast_get(app, as_alice, "/browse")
    assert not fast and answer.status_code == 403


def test_flash_messages_maintenance_unknown_hosts_and_screens_go_to_flask(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    _warm(as_alice, "/browse")
    assert fast_get(app, as_alice, "/browse")[1]
    _flag(app).set()
    try:
        answer, fast = fast_get(app, as_alice, "/browse")
        assert not fast and answer.status_code == 503
    finally:
        _flag(app).clear()
    answer, fast = fast_get(app, as_alice, "/browse", headers={"Host": "evil.example"})
    assert not fast and answer.status_code == 400
    as_alice.set_cookie("anihome_screen", "not-a-screen")
    answer, fast = fast_get(app, as_alice, "/browse")
    assert not fast and answer.status_code == 200
    as_alice.delete_cookie("anihome_screen")
    with as_alice.session_transaction() as session:
        session["_flashes"] = [("success", "Saved for the fast path test.")]
    answer, fast = fast_get(app, as_alice, "/browse")
    assert not fast and "Saved for the fast path test." in answer.get_data(as_text=True)
    assert fast_get(app, as_alice, "/browse")[1]  # the flash was shown once; cached again


def test_a_release_page_from_the_fast_path_records_its_view_event_like_the_normal_path(app, users, catalog):
    from anihome.analytics import views

    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    dub = catalog.translations["aot"][1].id
    path = f"/releases/{catalog.aot}?translation={dub}"
    _warm(as_alice, path)
    recorder = views.recorder_of(app)
    recorder.flush()
    answer, fast = fast_get(app, as_alice, path)
    assert fast and answer.status_code == 200 and "ETag" not in answer.headers  # a comment nonce
    answer.close()  # the server closes the answer after sending it
    normal = _normal(app, as_alice, path)
    normal.close()
    recorder.flush()
    with _db(app)[0], _db(app)[1]:
        from anihome.models import ViewEvent

        rows = list(ViewEvent.select(ViewEvent.release, ViewEvent.kind, ViewEvent.translation)
                    .where(ViewEvent.user == alice.id).order_by(ViewEvent.id).tuples())
    assert rows[-2:] == [(catalog.aot, "release", dub)] * 2 and len(rows) == 4  # two warm-up loads too

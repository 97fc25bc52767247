"""Whole member pages from the cache (web/page_cache.py): a member never gets another member's
page, their own change shows on their next load while other members' entries stay, changes by
others that a page shows (comments, a sync) drop it too, and what changes per request (CSRF
token, the comment form's nonce, flash messages) is never served from the cache."""
import re

from anihome import events
from anihome.accounts import session_records, users as accounts
from anihome.cache import get_cache
from anihome.library import episodes, favorites, lists, progress
from anihome.models import Translation
from anihome.social import comments
from tests.catalog.conftest import signed_in
from tests.conftest import make_user
from tests.support.web import csrf_from

PAGES = ("/", "/browse", "/releases/{aot}")


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _db(app):
    return app.app_context(), app.extensions["anihome.db"].connection_context()


def _page_keys(app, user) -> list[str]:
    return [key for key in get_cache(app)._data if key.startswith(f"page:{user.id}:")]


def test_two_members_with_the_same_cap_each_get_their_own_pages(app, users, catalog):
    alice, bob = make_user(app, "alice", "member"), make_user(app, "bob", "member")
    with _db(app)[0], _db(app)[1]:
        lists.set_entry(alice.id, catalog.aot, {"status": "watching", "score": 9})
    as_alice, as_bob = signed_in(app, alice), signed_in(app, bob)
    for path in PAGES:
        path = path.format(aot=catalog.aot)
        for _ in range(2):  # the second load of each comes from the cache
            mine, theirs = html(as_alice.get(path)), html(as_bob.get(path))
            assert ">alice</a>" in mine and ">bob</a>" not in mine
            assert ">bob</a>" in theirs and ">alice</a>" not in theirs
            assert csrf_from(mine) != csrf_from(theirs)
    release = f"/releases/{catalog.aot}"
    assert '<option value="watching" selected>' in html(as_alice.get(release))
    assert '<option value="watching" selected>' not in html(as_bob.get(release))
    assert len(_page_keys(app, alice)) == 3 and len(_page_keys(app, bob)) == 3


def test_a_members_list_change_shows_on_their_next_load_and_keeps_other_members_pages(app, users, catalog):
    alice, bob = make_user(app, "alice", "member"), make_user(app, "bob", "member")
    as_alice, as_bob = signed_in(app, alice), signed_in(app, bob)
    release = f"/releases/{catalog.aot}"
    first = html(as_alice.get(release))
    html(as_bob.get(release))
    assert "Not on a list" in first
    bobs = _page_keys(app, bob)

    answer = as_alice.post(f"/lists/{catalog.aot}", data={"status": "planned", "csrf_token": csrf_from(first),
                                                          "next": release})
    assert answer.status_code == 302
    assert _page_keys(app, bob) == bobs  # bob's cached pages are not touched by alice's change
    html(as_alice.get(release))  # the flash message: rendered the plain way, not stored
    assert '<option value="planned" selected>' in html(as_alice.get(release))
    assert '<option value="planned" selected>' not in html(as_bob.get(release))


def test_favorites_and_progress_show_on_the_next_load(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    release = f"/releases/{catalog.aot}"
    assert len(re.findall(r'aria-pressed="true">★', html(as_alice.get(release)))) == 0
    assert "Continue watching" not in html(as_alice.get("/"))
    with _db(app)[0], _db(app)[1]:
        favorites.add(alice.id, catalog.aot)
        translation = Translation.get_by_id(catalog.translations["aot"][0].id)
        progress.save(alice.id, episodes.ref_for(translation, 1, 2), 720, 1440)
    page = html(as_alice.get(release))
    assert len(re.findall(r'aria-pressed="true">★', page)) == 1 and "ep-started" in page
    assert "Continue watching" in html(as_alice.get("/"))


def test_a_chosen_dub_shows_on_the_next_load(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    release = f"/releases/{catalog.aot}"
    subs = catalog.translations["aot"][1]
    assert f'aria-current="true" data-translation-id="{subs.id}"' not in html(as_alice.get(release))
    with _db(app)[0], _db(app)[1]:
        progress.choose_translation(alice.id, catalog.aot, subs.id)
    assert f'aria-current="true" data-translation-id="{subs.id}"' in html(as_alice.get(release))


def test_another_members_comment_shows_on_the_next_load(app, users, catalog):
    alice, bob = make_user(app, "alice", "member"), make_user(app, "bob", "member")
    release = f"/releases/{catalog.aot}"
    as_alice = signed_in(app, alice)
    assert "Hello from bob" not in html(as_alice.get(release))
    with _db(app)[0], _db(app)[1]:
        comments.post(bob, catalog.aot, "Hello from bob")
    assert "Hello from bob" in html(as_alice.get(release))


def test_a_sync_and_a_role_change_drop_the_pages_they_change(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    for path in PAGES:
        html(as_alice.get(path.format(aot=catalog.aot)))
    assert len(_page_keys(app, alice)) == 3
    events.catalog_changed.send(None, release_ids=None)
    assert _page_keys(app, alice) == []
    assert "/admin/members" not in html(as_alice.get("/browse"))
    with _db(app)[0], _db(app)[1]:
        accounts.update_member(users["owner"], alice.id, role="admin")
    assert "/admin/members" in html(as_alice.get("/browse"))


def test_the_interface_language_and_title_language_have_their_own_pages(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    english = html(as_alice.get("/browse"))
    as_alice.set_cookie("lang", "ru")
    russian = html(as_alice.get("/browse"))
    assert len(_page_keys(app, alice)) == 2
    assert 'lang="en"' in english and 'lang="ru"' in russian and "Сортировка" in russian
    with _db(app)[0], _db(app)[1]:
        accounts.set_title_language(alice.id, "en")
        accounts.set_locale(alice.id, "en")
    assert 'lang="en"' in html(as_alice.get("/browse"))
    keys = _page_keys(app, alice)  # her account changed: her older pages were dropped
    assert len(keys) == 1 and keys[0].split(":")[2:4] == ["en", "en"]


def test_every_load_gets_a_working_csrf_token_and_a_fresh_comment_nonce(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    release = f"/releases/{catalog.aot}"
    first, second = html(as_alice.get(release)), html(as_alice.get(release))
    nonce = re.compile(r'name="nonce" value="([^"]+)"')
    assert nonce.search(first).group(1) != nonce.search(second).group(1)
    assert "page-hole" not in first + second
    answer = as_alice.post(f"/releases/{catalog.aot}/comments",
                           data={"body": "first", "nonce": nonce.search(second).group(1),
                                 "csrf_token": csrf_from(second)})
    assert answer.status_code == 302
    third = html(as_alice.get(release))
    assert "first" in third
    answer = as_alice.post(f"/releases/{catalog.aot}/comments",
                           data={"body": "second", "nonce": nonce.search(third).group(1),
                                 "csrf_token": csrf_from(third)})
    assert answer.status_code == 302 and "second" in html(as_alice.get(release))


def test_a_page_rendered_while_its_data_changed_is_not_stored(app, users, catalog, monkeypatch):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    from anihome.web import home

    real = home._continue_watching

    def changed_meanwhile(user):
        found = real(user)
        events.member_data_changed.send(None, user_id=user.id, kind="progress")  # lands mid-render
        return found

    monkeypatch.setattr(home, "_continue_watching", changed_meanwhile)
    html(as_alice.get("/"))
    assert _page_keys(app, alice) == []
    monkeypatch.setattr(home, "_continue_watching", real)
    html(as_alice.get("/"))
    assert len(_page_keys(app, alice)) == 1


def test_ending_a_session_elsewhere_signs_that_browser_out_at_once(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    html(as_alice.get("/browse"))
    html(as_alice.get("/browse"))  # the sign-in itself comes from the cache now
    with _db(app)[0], _db(app)[1]:
        session_records.revoke_all(alice.id, reason="test")
    answer = as_alice.get("/browse")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_disabled_member_is_signed_out_at_once(app, users, catalog):
    alice = make_user(app, "alice", "member")
    as_alice = signed_in(app, alice)
    html(as_alice.get("/"))
    with _db(app)[0], _db(app)[1]:
        accounts.set_active(users["owner"], alice.id, False)
    assert as_alice.get("/").status_code == 302


def test_a_members_second_browser_gets_its_own_working_csrf_token_from_the_cached_page(app, users, catalog):
    alice = make_user(app, "alice", "member")
    laptop, phone = signed_in(app, alice), signed_in(app, alice)
    release = f"/releases/{catalog.aot}"
    html(laptop.get(release))
    assert html(laptop.get("/browse")) and _page_keys(app, alice)
    on_laptop, on_phone = csrf_from(html(laptop.get("/browse"))), csrf_from(html(phone.get("/browse")))
    assert on_laptop != on_phone  # each session's own token, though the page came from the cache
    answer = phone.post(f"/lists/{catalog.aot}", data={"status": "planned", "csrf_token": on_phone})
    assert answer.status_code in (302, 303)
    assert '<option value="planned" selected>' in html(phone.get(release))

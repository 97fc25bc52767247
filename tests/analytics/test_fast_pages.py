"""The dashboard and the statistics page once cached (web/page_fast.py): answered ahead of Flask
with the normal path's body and headers, each member their own page, and a role change or a new
age cap seen on the very next request."""
from anihome.accounts import users as accounts

from tests.analytics.conftest import sign_in
from tests.support.web import fast_get, fast_pages

DASHBOARD = "/admin/analytics/?from=2026-11-01&to=2026-11-20&by=members"


def _warm(client, url):
    for _ in range(2):  # stored; then the cookie re-signed by the first load is verified
        assert client.get(url).status_code == 200


def test_cached_dashboard_and_stats_come_from_the_fast_path_with_the_normal_headers(app, client, built):
    sign_in(client, built.owner)
    for url in (DASHBOARD, "/me/stats"):
        _warm(client, url)
        fast, used = fast_get(app, client, url)
        fast_pages(app).enabled = False
        normal = client.get(url)
        fast_pages(app).enabled = True
        assert used and fast.status_code == normal.status_code == 200
        assert fast.get_data() == normal.get_data()
        assert list(fast.headers.items()) == list(normal.headers.items())
        assert "frame-ancestors 'self'" in fast.headers["Content-Security-Policy"]
        held, used = fast_get(app, client, url, headers={"If-None-Match": fast.headers["ETag"]})
        assert used and held.status_code == 304


def test_each_member_gets_their_own_stats_page_from_the_fast_path(app, built):
    as_alice, as_bob = app.test_client(), app.test_client()
    sign_in(as_alice, built.alice)
    sign_in(as_bob, built.bob)
    _warm(as_alice, "/me/stats")
    _warm(as_bob, "/me/stats")
    alices, used_a = fast_get(app, as_alice, "/me/stats")
    bobs, used_b = fast_get(app, as_bob, "/me/stats")
    assert used_a and used_b
    assert ">alice</a>" in alices.get_data(as_text=True) and ">bob</a>" not in alices.get_data(as_text=True)
    assert ">bob</a>" in bobs.get_data(as_text=True) and ">alice</a>" not in bobs.get_data(as_text=True)
    assert alices.headers["ETag"] != bobs.headers["ETag"]


def test_a_member_never_gets_the_dashboard_and_a_demoted_admin_loses_it_at_once(app, built):
    as_alice = app.test_client()
    sign_in(as_alice, built.alice)
    _warm(as_alice, "/me/stats")
    answer, used = fast_get(app, as_alice, DASHBOARD)
    assert answer.status_code == 403 and not used
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        accounts.update_member(built.owner, built.alice.id, role="admin")
    _warm(as_alice, DASHBOARD)
    answer, used = fast_get(app, as_alice, DASHBOARD)
    assert used and answer.status_code == 200
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        accounts.update_member(built.owner, built.alice.id, role="member")
    answer, used = fast_get(app, as_alice, DASHBOARD)
    assert answer.status_code == 403 and not used


def test_a_new_age_cap_is_seen_on_the_next_stats_page(app, built):
    as_bob = app.test_client()
    sign_in(as_bob, built.bob)
    _warm(as_bob, "/me/stats")
    assert fast_get(app, as_bob, "/me/stats")[1]
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        accounts.update_member(built.owner, built.bob.id, age_cap=12)
    answer, used = fast_get(app, as_bob, "/me/stats")
    assert answer.status_code == 200 and not used  # his pages were dropped: rendered afresh
    assert fast_get(app, as_bob, "/me/stats")[1]

"""The analytics pages cache their rendered charts and tables: a repeated page is served from
the fragments, a new roll-up or the member's own change drops them, a member never gets
another member's fragment, each language has its own, and what carries a CSRF token or a
setting that changes at once (sharing) is never cached."""
import re
from datetime import datetime

from anihome import events
from anihome.analytics import rollup
from anihome.library import lists
from anihome.models import DailyMember, JobRun

from .conftest import NOW, in_db, sign_in

DASHBOARD = "/admin/analytics/?from=2026-11-01&to=2026-11-20"


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _views_tile(html):
    return int(re.search(r'id="totals">\s*<li class="tile"><span>[^<]*</span><strong>(\d+)', html).group(1))


def _bump_views_behind_the_cache(app):
    """Change the roll-up table directly, as no service would (no signal is sent)."""
    in_db(app, lambda: DailyMember.update(views=DailyMember.views + 100).execute())


def test_a_repeated_dashboard_is_served_from_its_fragments_until_the_next_rollup(app, client, built):
    sign_in(client, built.owner)
    first = _views_tile(_page(client, DASHBOARD))
    _bump_views_behind_the_cache(app)
    assert _views_tile(_page(client, DASHBOARD)) == first
    assert _views_tile(_page(client, DASHBOARD + "&by=members")) == first  # the views part is shared
    events.analytics_rolled_up.send(None, full=False)  # what a finished roll-up sends
    assert _views_tile(_page(client, DASHBOARD)) > first
    in_db(app, lambda: rollup.run("Europe/Moscow", full=True, now=NOW))  # a rebuild, from the logs
    assert _views_tile(_page(client, DASHBOARD)) == first


def test_the_sync_health_fragment_is_dropped_when_a_sync_ends(app, client, built):
    sign_in(client, built.owner)
    assert "needs attention" not in _page(client, DASHBOARD)
    in_db(app, lambda: JobRun.create(job_id="kodik-sync", trigger="schedule", status="failed",
                                     started_at=datetime.utcnow(), finished_at=datetime.utcnow()))
    assert "needs attention" not in _page(client, DASHBOARD)  # cached
    events.job_finished.send(app, job_id="kodik-sync", status="failed", run_id=1)
    assert "needs attention" in _page(client, DASHBOARD)


def test_stats_fragments_belong_to_one_member_and_one_language(app, client, built):
    sign_in(client, built.alice)
    alice = _page(client, "/me/stats")
    assert "AniDub" in alice and "AniLibria" not in alice
    sign_in(client, built.kid)
    kid = _page(client, "/me/stats")
    assert "AniLibria" in kid and "AniDub" not in kid
    client.set_cookie("lang", "ru")
    assert "Когда я смотрю" in _page(client, "/me/stats")
    client.set_cookie("lang", "en")
    assert "When I watch" in _page(client, "/me/stats")


def test_a_members_own_change_drops_their_stats_fragment(app, client, built):
    sign_in(client, built.alice)
    assert re.search(r'id="mean-score">—<', _page(client, "/me/stats"))
    in_db(app, lambda: lists.set_entry(built.alice.id, built.a.id, {"status": "watching", "score": 7}))
    assert re.search(r'id="mean-score">7\.0<', _page(client, "/me/stats"))


def test_the_sharing_form_is_fresh_on_every_stats_page(app, client, built):
    sign_in(client, built.alice)
    html = _page(client, "/me/stats")
    assert "Your statistics are private." in html
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    response = client.post("/me/stats/sharing", data={"share": "on", "csrf_token": token})
    assert response.status_code == 303
    html = _page(client, "/me/stats")
    assert "Your statistics are shared with the household." in html
    assert html.count('name="csrf_token" value="') >= 1


def test_a_repeated_analytics_page_is_served_whole_and_answers_304_when_unchanged(app, client, built):
    sign_in(client, built.alice)
    first = client.get("/me/stats")
    etag = first.headers.get("ETag")
    assert first.status_code == 200 and etag
    assert client.get("/me/stats", headers={"If-None-Match": etag}).status_code == 304
    in_db(app, lambda: lists.set_entry(built.alice.id, built.a.id, {"status": "watching", "score": 9}))
    changed = client.get("/me/stats", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and re.search(r'id="mean-score">9\.0<', changed.get_data(as_text=True))

"""Invite and calendar links use PUBLIC_URL (the address members use), never the host the
owner happened to browse from; the members page warns when links would only work here."""
import re

from anihome.catalog import feeds

from .conftest import csrf_token, make_user, sign_in  # noqa: F401


def _invite_link(client):
    token = csrf_token(client, "/admin/members/")
    response = client.post("/admin/members/invites", data={"csrf_token": token, "role": "member"})
    assert response.status_code == 201
    return re.search(r'<code class="secret" id="invite-link">([^<]+)</code>', response.get_data(as_text=True)).group(1)


def test_invite_links_use_public_url_whatever_host_the_owner_browses_from(app, client, owner):
    app.config["PUBLIC_URL"] = "https://anime.home.lan"
    sign_in(client, "owner")
    link = _invite_link(client)
    assert link.startswith("https://anime.home.lan/invite/") and "localhost" not in link


def test_without_public_url_links_use_the_requests_address(app, client, owner):
    sign_in(client, "owner")
    assert _invite_link(client).startswith("http://localhost/invite/")


def test_public_url_with_a_path_is_not_doubled_behind_a_mounted_app(app, client, owner):
    app.config["PUBLIC_URL"] = "https://home.lan/anime"
    sign_in(client, "owner")
    token = csrf_token(client, "/admin/members/")
    response = client.post("/admin/members/invites", data={"csrf_token": token, "role": "member"},
                           environ_base={"SCRIPT_NAME": "/anime"})
    html = response.get_data(as_text=True)
    assert "https://home.lan/anime/invite/" in html and "/anime/anime/" not in html


def test_the_calendar_feed_address_and_its_event_links_use_public_url(app, client, owner):
    app.config["PUBLIC_URL"] = "https://anime.home.lan"
    sign_in(client, "owner")
    client.post("/calendar/feed", data={"csrf_token": csrf_token(client, "/calendar")})
    page = client.get("/calendar").get_data(as_text=True)
    feed = re.search(r"https://anime\.home\.lan/calendar/[^\s\"<]+\.ics", page)
    assert feed, "the feed address does not use PUBLIC_URL"
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        assert feeds.feed_token(owner.id)
    body = client.get(feed.group(0).replace("https://anime.home.lan", "")).get_data(as_text=True)
    assert "BEGIN:VCALENDAR" in body and "localhost" not in body


def _members_page_at(app, user, host):
    """The members page asked for through ``host`` by a browser signed in there."""
    from anihome.security.login import session_id_for

    client = app.test_client()
    with client.session_transaction(base_url=f"http://{host}") as session:
        session["_user_id"] = session_id_for(user)
        session["_fresh"] = True
    response = client.get("/admin/members/", base_url=f"http://{host}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_members_page_warns_when_links_would_point_at_this_machine(app, owner):
    local = _members_page_at(app, owner, "127.0.0.1:8080")
    assert 'id="public-url-warning"' in local and "127.0.0.1:8080" in local
    assert 'id="public-url-warning"' in _members_page_at(app, owner, "localhost")
    assert 'id="public-url-warning"' not in _members_page_at(app, owner, "192.168.1.20:8080")
    app.config["PUBLIC_URL"] = "http://192.168.1.20:8080"
    assert 'id="public-url-warning"' not in _members_page_at(app, owner, "127.0.0.1:8080")

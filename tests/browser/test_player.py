"""The player script in a real browser, against a fake "Kodik player" served from another
origin that posts the same messages as Kodik's iframe.

Three origins: the AniHome server, the fake player (a second port) and a foreign page (a
third port). The player page must save progress from the fake player's messages only, and be
honest when things fail: an overlay when the player stays silent, a notice when saves fail,
blocked episodes said plainly, in Russian too. The
page runs under AniHome's Content-Security-Policy, with the two fake origins added to
KODIK_PLAYER_HOSTS as an owner would add a new Kodik player host.
"""
from __future__ import annotations

import re
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from anihome.library import episodes, progress
from anihome.models import Episode, ListEntry, Release, Translation, User, WatchProgress
from anihome.db import close_all
from tests.support.web import wait_for_js
from tests.support.live import served
from anihome.security.login import session_id_for
from tests.conftest import make_app

NOW = datetime(2026, 11, 20, 12, 0)
FAKE_PLAYER_PAGE = b"""<!doctype html><html><body style="background:#111;color:#eee">
<p id="fake">fake Kodik player</p>
<script>
  /* Like Kodik's player: report to the embedding page with window.parent.postMessage. */
  window.kodik = function (key, value) { window.parent.postMessage({key: key, value: value}, "*"); };
</script></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(FAKE_PLAYER_PAGE)

    def log_message(self, *args):
        pass


def _serve_fake():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def fake_origins():
    """Two extra origins: the fake Kodik player and a foreign page."""
    servers = [_serve_fake(), _serve_fake()]
    yield [f"http://127.0.0.1:{s.server_address[1]}" for s, _ in servers]
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def app(tmp_path, fake_origins):
    """The app with the fake player's (and the foreign page's) origin allowed in frame-src."""
    app = make_app(tmp_path, KODIK_PLAYER_HOSTS=" ".join(fake_origins))
    yield app
    close_all(app.extensions["anihome.db"])


@pytest.fixture
def setup(app, fake_origins):
    """Alice, and a finished 3-episode serial whose episode links point at the fake player."""
    player = fake_origins[0]
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        User.create(username="owner", username_key="owner", password_hash="x-owner", role="owner", created_at=NOW)
        alice = User.create(username="alice", username_key="alice", password_hash="x-alice", created_at=NOW)
        release = Release.create(key="shiki:1", shikimori_id="1", title="Player Test", sort_title="player test",
                                 kind="tv", status="released", episodes_total=3, episodes_aired=3,
                                 first_seen_at=NOW, kodik_updated_at=NOW, updated_at=NOW)
        tr = Translation.create(kodik_id="serial-9", release=release, kodik_type="anime-serial", team_id=610,
                                team="Fake Dub", link=f"{player}/serial/9/abc/720p", last_season=1,
                                last_episode=3, episodes_count=3, kodik_created_at=NOW,
                                kodik_updated_at=NOW, synced_at=NOW)
        eps = [Episode.create(translation=tr, season=1, number=n, link=f"{player}/seria/90{n}/h{n}/720p")
               for n in (1, 2, 3)]
        subs = Translation.create(kodik_id="serial-10", release=release, kodik_type="anime-serial", team_id=611,
                                  team="Fake Subs", voice=False, link=f"{player}/serial/10/def/720p", last_season=1,
                                  last_episode=3, episodes_count=3, kodik_created_at=NOW,
                                  kodik_updated_at=NOW, synced_at=NOW)
        progress.save(alice.id, episodes.ref_for(tr, 1, 2), 300, 1440)
        session_id = session_id_for(alice)
    return {"alice": alice.id, "release": release.id, "translation": tr.id, "subs": subs.id,
            "eps": [e.id for e in eps],
            "session_id": session_id, "player": player, "foreign": fake_origins[1]}


@pytest.fixture
def page(page, app, setup, live_server):
    """The shared page, signed in as Alice, recording every progress save the player sends."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = setup["session_id"]
        session["_fresh"] = True
    cookie = client.get_cookie("anihome_session")
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])
    page.saves = []
    page.on("requestfinished", lambda r: page.saves.append(r.post_data_json)
            if r.url.endswith("/api/v1/progress") and r.method == "PUT" else None)
    return page


def row(app, setup, number):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        return WatchProgress.get_or_none((WatchProgress.user == setup["alice"]) & (WatchProgress.number == number))


def wait_for(page, predicate, timeout=5.0):
    """Poll ``predicate`` while letting Playwright deliver its events."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            page.wait_for_timeout(50)
            return value
        page.wait_for_timeout(50)
    return predicate()


def open_player(page, live_server, setup, number, translation="translation", kind="seria"):
    page.goto(f"{live_server}/watch/{setup['release']}?translation={setup[translation]}&season=1&episode={number}")
    page.wait_for_selector("#player[data-ready='1']", state="attached")
    frame = page.frame(url=re.compile(f"/{kind}/"))
    frame.wait_for_load_state()
    return frame


def test_player_resumes_saves_progress_and_offers_the_next_episode(app, setup, live_server, page):
    page.clock.install()
    frame = open_player(page, live_server, setup, 2)
    assert frame.url == f"{setup['player']}/seria/902/h2/720p?start_from=300"  # resume position used

    frame.evaluate("kodik('kodik_player_duration_update', 1440)")
    frame.evaluate("kodik('kodik_player_play')")
    for t in (301, 302, 303):
        frame.evaluate(f"kodik('kodik_player_time_update', {t})")
    page.wait_for_timeout(200)
    assert page.saves == []  # not before ~15 s
    page.clock.fast_forward(16_000)
    frame.evaluate("kodik('kodik_player_time_update', 320)")
    assert wait_for(page, lambda: row(app, setup, 2).position == 320)
    assert page.saves[-1]["episode_id"] == setup["eps"][1] and page.saves[-1]["duration"] == 1440

    frame.evaluate("kodik('kodik_player_time_update', 340)")
    frame.evaluate("kodik('kodik_player_pause')")  # pause saves at once
    assert wait_for(page, lambda: row(app, setup, 2).position == 340)
    assert page.is_hidden("#next-offer")

    frame.evaluate("kodik('kodik_player_time_update', 1300)")  # 90 % of 1440 is 1296
    assert wait_for(page, lambda: row(app, setup, 2).watched)
    page.wait_for_selector("#next-offer", state="visible")
    href = page.get_attribute("#next-episode", "href")
    assert href.endswith(f"translation={setup['translation']}&season=1&episode=3")
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        assert ListEntry.get(ListEntry.user == setup["alice"]).status == "watching"


def test_video_ended_marks_the_last_episode_watched_and_completes_the_release(app, setup, live_server, page):
    frame = open_player(page, live_server, setup, 3)
    assert "start_from" not in frame.url
    frame.evaluate("kodik('kodik_player_time_update', 12)")
    frame.evaluate("kodik('kodik_player_video_ended')")
    assert wait_for(page, lambda: row(app, setup, 3) and row(app, setup, 3).watched)
    assert page.saves[-1]["watched"] is True
    page.wait_for_selector("#next-offer", state="visible")
    assert page.locator("#next-episode").count() == 0  # nothing after the last episode
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        assert ListEntry.get(ListEntry.user == setup["alice"]).status == "completed"


def test_messages_from_a_foreign_origin_or_the_page_itself_are_ignored(app, setup, live_server, page):
    frame = open_player(page, live_server, setup, 2)
    # A third origin embedded in the same page posts Kodik-looking messages.
    page.evaluate("""url => new Promise(done => { const f = document.createElement('iframe');
        f.id = 'foreign'; f.src = url + '/seria/902/h2/720p'; f.onload = done; document.body.appendChild(f); })""",
                  setup["foreign"])
    foreign = page.frame(url=re.compile(re.escape(setup["foreign"])))
    foreign.evaluate("kodik('kodik_player_duration_update', 1440)")
    foreign.evaluate("kodik('kodik_player_time_update', 1400)")
    foreign.evaluate("kodik('kodik_player_video_ended')")
    foreign.evaluate("kodik('kodik_player_pause')")
    # The top window posts to itself (same origin as the page, but not the player's window).
    page.evaluate("""() => { window.postMessage({key: 'kodik_player_time_update', value: 1410}, '*');
        window.postMessage({key: 'kodik_player_video_ended'}, '*');
        window.postMessage(JSON.stringify({key: 'kodik_player_pause'}), '*'); }""")
    # The player's own origin, but another window: a second frame from the player host.
    page.evaluate("""url => new Promise(done => { const f = document.createElement('iframe');
        f.src = url + '/other'; f.onload = done; document.body.appendChild(f); })""", setup["player"])
    twin = page.frame(url=f"{setup['player']}/other")
    twin.evaluate("kodik('kodik_player_time_update', 1420)")
    twin.evaluate("kodik('kodik_player_video_ended')")
    page.wait_for_timeout(500)
    assert page.saves == []
    assert page.is_hidden("#next-offer")
    saved = row(app, setup, 2)
    assert (saved.position, saved.watched) == (300, False)
    # The real player is still heard.
    frame.evaluate("kodik('kodik_player_time_update', 333)")
    frame.evaluate("kodik('kodik_player_pause')")
    assert wait_for(page, lambda: row(app, setup, 2).position == 333)


def test_leaving_the_page_saves_the_last_position(app, setup, live_server, page):
    frame = open_player(page, live_server, setup, 1)
    frame.evaluate("kodik('kodik_player_duration_update', 1440)")
    frame.evaluate("kodik('kodik_player_time_update', 77)")
    page.goto(f"{live_server}/lists")
    assert wait_for(page, lambda: row(app, setup, 1) and row(app, setup, 1).position == 77)


def test_switching_episode_inside_a_serial_player_saves_to_the_new_episode(app, setup, live_server, page):
    frame = open_player(page, live_server, setup, 1, translation="subs", kind="serial")
    assert frame.url == f"{setup['player']}/serial/10/def/720p?season=1&episode=1"
    frame.evaluate("kodik('kodik_player_current_episode', {season: 1, episode: 1, translation: {id: 611, title: 'Fake Subs'}})")
    frame.evaluate("kodik('kodik_player_time_update', 50)")
    # The member picks episode 3 and the voice dub inside Kodik's own selectors.
    frame.evaluate("kodik('kodik_player_current_episode', {season: 1, episode: 3, translation: {id: 610, title: 'Fake Dub'}})")
    assert wait_for(page, lambda: row(app, setup, 1) and row(app, setup, 1).position == 50)
    frame.evaluate("kodik('kodik_player_time_update', 65)")
    frame.evaluate("kodik('kodik_player_pause')")
    assert wait_for(page, lambda: row(app, setup, 3) and row(app, setup, 3).position == 65)
    assert row(app, setup, 3).translation_id == setup["translation"]
    assert page.saves[-1] == {"position": 65, "duration": None, "translation_id": setup["translation"],
                              "season": 1, "episode": 3}


def test_opening_and_leaving_without_playing_saves_nothing(app, setup, live_server, page):
    open_player(page, live_server, setup, 2)
    page.goto(f"{live_server}/lists")
    page.wait_for_timeout(300)
    assert page.saves == []
    assert row(app, setup, 2).position == 300
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        from anihome.models import WatchEvent
        assert WatchEvent.select().count() == 1


# --- honest playback: a silent player, failed saves, blocked episodes ----------------------

def _silent_player(app, page, live_server, setup, seconds=2):
    app.config["PLAYER_LOAD_TIMEOUT"] = seconds
    page.clock.install()
    frame = open_player(page, live_server, setup, 2)
    return frame


def test_a_silent_player_gets_an_overlay_with_retry_other_dubs_and_kodiks_page(app, setup, live_server, page):
    frame = _silent_player(app, page, live_server, setup)
    assert page.is_hidden("#player-overlay")
    page.clock.fast_forward(2500)
    overlay = page.locator("#player-overlay")
    overlay.wait_for(state="visible")
    assert "did not answer within 2 seconds" in overlay.inner_text()
    assert overlay.get_by_role("link", name="Open on Kodik's site").get_attribute("href") == \
        page.get_attribute("#kodik-player", "src")
    other = overlay.get_by_role("link", name="Fake Subs")
    assert f"translation={setup['subs']}" in other.get_attribute("href")
    assert "season=1" in other.get_attribute("href") and "episode=2" in other.get_attribute("href")

    overlay.get_by_role("button", name="Retry").click()  # reloads the frame and waits again
    assert page.is_hidden("#player-overlay")
    page.clock.fast_forward(2500)
    overlay.wait_for(state="visible")

    frame = page.frame(url=lambda url: "/seria/" in url)
    frame.wait_for_load_state()
    frame.evaluate("kodik('kodik_player_play')")  # the player speaks: the overlay goes away
    overlay.wait_for(state="hidden")


def test_a_player_that_speaks_in_time_never_shows_the_overlay(app, setup, live_server, page):
    frame = _silent_player(app, page, live_server, setup)
    frame.evaluate("kodik('kodik_player_duration_update', 1440)")
    page.clock.fast_forward(10_000)
    page.wait_for_timeout(100)
    assert page.is_hidden("#player-overlay")


def test_the_overlay_speaks_russian(app, setup, live_server, page):
    page.context.add_cookies([{"name": "lang", "value": "ru", "url": live_server}])
    _silent_player(app, page, live_server, setup)
    page.clock.fast_forward(2500)
    overlay = page.locator("#player-overlay")
    overlay.wait_for(state="visible")
    text = overlay.inner_text()
    assert "Плеер не загрузился" in text and "Повторить" in text and "Открыть на сайте Kodik" in text


def test_failed_saves_are_announced_until_a_save_succeeds_again(app, setup, live_server, page):
    page.clock.install()
    frame = open_player(page, live_server, setup, 2)
    page.route("**/api/v1/progress", lambda route: route.fulfill(status=500, body="{}",
                                                                  content_type="application/json"))
    frame.evaluate("kodik('kodik_player_duration_update', 1440)")
    frame.evaluate("kodik('kodik_player_time_update', 400)")
    frame.evaluate("kodik('kodik_player_pause')")
    notice = page.locator("#save-problem")
    notice.wait_for(state="visible")
    assert "could not be saved" in notice.inner_text()
    page.unroute("**/api/v1/progress")
    frame.evaluate("kodik('kodik_player_pause')")  # the same position is tried again
    assert wait_for(page, lambda: row(app, setup, 2).position == 400)
    wait_for_js(page, "document.getElementById('save-problem').textContent.includes('saved again')")


def test_a_signed_out_member_is_told_their_place_is_not_saved(app, setup, live_server, page):
    page.clock.install()
    frame = open_player(page, live_server, setup, 2)
    page.route("**/api/v1/progress", lambda route: route.fulfill(status=401, body="{}",
                                                                  content_type="application/json"))
    frame.evaluate("kodik('kodik_player_time_update', 400)")
    frame.evaluate("kodik('kodik_player_pause')")
    page.locator("#save-problem").wait_for(state="visible")
    assert "signed out" in page.inner_text("#save-problem")


def test_a_blocked_episode_is_said_plainly_with_the_dubs_that_play(app, setup, live_server, page):
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        Translation.update(blocked_seasons='{"1": "all"}').where(Translation.id == setup["translation"]).execute()
    open_player(page, live_server, setup, 2)
    notice = page.locator("#blocked-notice")
    assert "blocked this episode" in notice.inner_text()
    assert f"translation={setup['subs']}" in notice.get_by_role("link", name="Fake Subs").get_attribute("href")
    assert "(blocked)" in page.locator("#dub option[selected]").inner_text()


def test_the_player_works_under_the_content_security_policy(app, setup, live_server, page):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(f"{live_server}/watch/{setup['release']}?translation={setup['translation']}"
                         "&season=1&episode=2")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and setup["player"] in policy
    page.wait_for_selector("#player[data-ready='1']", state="attached")
    frame = page.frame(url=re.compile("/seria/"))
    frame.wait_for_load_state()
    assert page.eval_on_selector(".mini-progress > span", "e => e.style.width") == "20%"  # set by app.js
    frame.evaluate("kodik('kodik_player_duration_update', 1440)")
    frame.evaluate("kodik('kodik_player_time_update', 350)")
    frame.evaluate("kodik('kodik_player_pause')")
    assert wait_for(page, lambda: row(app, setup, 2).position == 350)
    assert violations == []


def test_a_frame_from_a_host_outside_the_policy_is_blocked(tmp_path, fake_origins, browser):
    """With only Kodik's own hosts allowed, a player link on another host does not load."""
    strict = make_app(tmp_path / "strict")
    with served(strict, threads=2) as base:
        _frame_outside_the_policy_is_blocked(base, browser, fake_origins)
    close_all(strict.extensions["anihome.db"])


def _frame_outside_the_policy_is_blocked(base, browser, fake_origins) -> None:
    context = browser.new_context()
    tab = context.new_page()
    try:
        tab.goto(base + "/setup")
        blocked = tab.evaluate("""url => new Promise(done => {
            document.addEventListener('securitypolicyviolation', e => done(e.violatedDirective));
            const f = document.createElement('iframe'); f.src = url + '/seria/1/a/720p';
            document.body.appendChild(f); setTimeout(() => done('loaded'), 5000); })""", fake_origins[0])
        assert blocked == "frame-src"
    finally:
        context.close()

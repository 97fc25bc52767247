"""The library's HTML pages and the player page render a member's own data."""
import io
import re

from anihome.library import collections, episodes, favorites, history, lists, progress
from anihome.models import Collection, WatchEvent

from .conftest import meta_csrf, sign_in_as


def test_player_embeds_the_episode_link_over_https_and_resumes(client, cat, alice):
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 2), 600, 1440)
    sign_in_as(client, alice)
    html = client.get(f"/watch/{cat.serial.id}?translation={cat.voice.id}&season=1&episode=2").get_data(as_text=True)
    ep2 = cat.serial_eps[1]
    assert f'src="https:{ep2.link}?start_from=600"' in html
    assert 'data-origin="https://kodik.test"' in html
    assert f'href="/watch/{cat.serial.id}?translation={cat.voice.id}&amp;season=1&amp;episode=3"' in html


def test_player_without_episode_rows_uses_the_serial_link_with_season_and_episode(client, cat, alice):
    sign_in_as(client, alice)
    html = client.get(f"/watch/{cat.serial.id}?translation={cat.subs.id}&season=1&episode=3").get_data(as_text=True)
    assert 'src="https://kodik.test/serial/2/bbb/720p?season=1&amp;episode=3"' in html


def test_player_opens_where_the_member_left_off_and_in_their_dub(client, cat, alice):
    progress.save(alice.id, episodes.ref_for(cat.subs, 1, 1), 1400, 1440)
    sign_in_as(client, alice)
    html = client.get(f"/watch/{cat.serial.id}").get_data(as_text=True)
    assert f'data-translation-id="{cat.subs.id}"' in html and 'data-episode="2"' in html


def test_player_refuses_an_unknown_episode_or_foreign_dub(client, cat, alice):
    sign_in_as(client, alice)
    assert client.get(f"/watch/{cat.serial.id}?translation={cat.voice.id}&season=1&episode=9").status_code == 404
    assert client.get(f"/watch/{cat.serial.id}?translation={cat.ongoing_tr.id}").status_code == 404
    assert client.get(f"/watch/{cat.serial.id}?translation=abc").status_code == 400
    assert client.get("/watch/99999").status_code == 404


def test_player_respects_the_members_age_cap(client, cat, alice):
    alice.age_cap = 12
    alice.save()
    sign_in_as(client, alice)
    assert client.get(f"/watch/{cat.serial.id}").status_code == 404


def test_movie_player_uses_the_video_link(client, cat, alice):
    sign_in_as(client, alice)
    html = client.get(f"/watch/{cat.movie.id}").get_data(as_text=True)
    assert 'src="https://kodik.test/video/4/ddd/720p"' in html and 'data-movie="1"' in html


def test_lists_page_shows_tabs_and_entries(client, cat, alice):
    lists.set_entry(alice.id, cat.serial.id, {"status": "completed", "score": 8})
    sign_in_as(client, alice)
    html = client.get("/lists?status=completed").get_data(as_text=True)
    assert "Finished Serial" in html and "Completed (1)" in html
    assert client.get("/lists?status=bogus").status_code == 404


def test_status_form_sets_and_validates(client, cat, alice):
    sign_in_as(client, alice)
    token = meta_csrf(client)
    r = client.post(f"/lists/{cat.serial.id}", data={"csrf_token": token, "status": "planned", "score": "7"})
    assert r.status_code == 302
    assert lists.get_entry(alice.id, cat.serial.id).score == 7
    r = client.post(f"/lists/{cat.serial.id}", data={"csrf_token": token, "status": "planned", "score": "70"},
                    follow_redirects=True)
    assert "score must be between 1 and 10" in r.get_data(as_text=True)
    assert lists.get_entry(alice.id, cat.serial.id).score == 7


def test_forms_without_csrf_are_refused(client, cat, alice):
    sign_in_as(client, alice)
    assert client.post(f"/lists/{cat.serial.id}", data={"status": "planned"}).status_code == 400
    assert lists.get_entry(alice.id, cat.serial.id) is None


def test_favorites_toggle(client, cat, alice):
    sign_in_as(client, alice)
    token = meta_csrf(client)
    client.post(f"/favorites/{cat.movie.id}", data={"csrf_token": token})
    assert favorites.is_favorite(alice.id, cat.movie.id)
    assert "A Movie" in client.get("/favorites").get_data(as_text=True)
    client.post(f"/favorites/{cat.movie.id}", data={"csrf_token": token, "on": "0"})
    assert not favorites.is_favorite(alice.id, cat.movie.id)


def test_history_groups_by_day_deletes_one_and_clears_with_confirmation(client, cat, alice):
    from datetime import datetime

    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 1), 1400, 1440, now=datetime(2026, 11, 1, 20, 0))
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 2), 100, 1440, now=datetime(2026, 11, 2, 20, 0))
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 3), 100, 1440, now=datetime(2026, 11, 2, 21, 0))
    sign_in_as(client, alice)
    html = client.get("/history").get_data(as_text=True)
    assert html.index("2026-11-02") < html.index("2026-11-01")
    token = meta_csrf(client)
    first = WatchEvent.select().where(WatchEvent.user == alice.id).order_by(WatchEvent.id).first()
    client.post(f"/history/{first.id}/delete", data={"csrf_token": token})
    assert history.count(alice.id) == 2
    client.post("/history/clear", data={"csrf_token": token})
    assert history.count(alice.id) == 2  # not confirmed
    client.post("/history/clear", data={"csrf_token": token, "confirm": "yes"})
    assert history.count(alice.id) == 0
    assert progress.get(alice.id, cat.serial.id, 1, 1).watched  # progress stays


def test_collections_create_rename_reorder_and_delete(client, cat, alice):
    sign_in_as(client, alice)
    token = meta_csrf(client)
    r = client.post("/collections/", data={"csrf_token": token, "name": "  Cozy   nights ", "visibility": "private"})
    c = Collection.get(Collection.user == alice.id)
    assert c.name == "Cozy nights" and r.headers["Location"].endswith(f"/collections/{c.id}")
    for rel in (cat.serial, cat.movie):
        client.post(f"/collections/{c.id}/items", data={"csrf_token": token, "release_id": rel.id})
    client.post(f"/collections/{c.id}/items/{cat.movie.id}/move", data={"csrf_token": token, "step": "-1"})
    assert [i.release_id for i in collections.items(c, alice.id)] == [cat.movie.id, cat.serial.id]
    client.post(f"/collections/{c.id}", data={"csrf_token": token, "name": "Renamed", "description": "d",
                                                "visibility": "household"})
    c = Collection.get_by_id(c.id)
    assert (c.name, c.description, c.visibility) == ("Renamed", "d", "household")
    page = client.get(f"/collections/{c.id}").get_data(as_text=True)
    assert page.index("A Movie") < page.index("Finished Serial")
    r = client.post("/collections/", data={"csrf_token": token, "name": ""}, follow_redirects=True)
    assert "Give the collection a name." in r.get_data(as_text=True)
    client.post(f"/collections/{c.id}/delete", data={"csrf_token": token})
    assert not Collection.select().where(Collection.user == alice.id).exists()


def test_import_previews_then_applies(client, cat, alice):
    sign_in_as(client, alice)
    token = meta_csrf(client)
    xml = (b"<myanimelist><anime><series_animedb_id>101</series_animedb_id><series_title>X</series_title>"
           b"<my_status>Completed</my_status><my_score>10</my_score></anime>"
           b"<anime><series_animedb_id>77777</series_animedb_id><series_title>Missing One</series_title>"
           b"<my_status>Dropped</my_status></anime></myanimelist>")
    r = client.post("/import", data={"csrf_token": token, "file": (io.BytesIO(xml), "animelist.xml")},
                    content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Missing One" in html and "not in the catalog" in html
    assert lists.get_entry(alice.id, cat.serial.id) is None
    upload = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    client.post("/import/apply", data={"csrf_token": token, "token": upload})
    assert lists.get_entry(alice.id, cat.serial.id).score == 10
    r = client.post("/import/apply", data={"csrf_token": token, "token": upload}, follow_redirects=True)
    assert "expired" in r.get_data(as_text=True)


def test_import_of_a_broken_file_is_a_form_error(client, cat, alice):
    sign_in_as(client, alice)
    r = client.post("/import", data={"csrf_token": meta_csrf(client),
                                     "file": (io.BytesIO(b"<!DOCTYPE x><myanimelist/>"), "a.xml")},
                    content_type="multipart/form-data")
    assert r.status_code == 400 and "DOCTYPE" in r.get_data(as_text=True)


def test_exports_download_the_members_data(client, cat, alice):
    lists.set_entry(alice.id, cat.serial.id, {"status": "watching"})
    sign_in_as(client, alice)
    r = client.get("/export/mal.xml")
    assert r.mimetype == "application/xml" and b"<series_animedb_id>101</series_animedb_id>" in r.data
    assert "attachment" in r.headers["Content-Disposition"]
    data = client.get("/export/anihome.json").get_json(force=True)
    assert data["member"]["username"] == "alice" and data["lists"][0]["status"] == "watching"


def test_continue_page_lists_items_and_removes_one(client, cat, alice):
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 1), 500, 1440)
    sign_in_as(client, alice)
    assert "Finished Serial" in client.get("/continue").get_data(as_text=True)
    client.post(f"/continue/{cat.serial.id}/hide", data={"csrf_token": meta_csrf(client), "days": "7",
                                                         "next": "/continue"})
    assert "Finished Serial" not in client.get("/continue").get_data(as_text=True)


def test_release_actions_add_to_a_collection_from_the_player(client, cat, alice):
    c = collections.create(alice.id, "Weekend")
    sign_in_as(client, alice)
    html = client.get(f"/watch/{cat.movie.id}").get_data(as_text=True)
    assert 'data-release-actions' in html and "Weekend" in html
    client.post("/collections/add", data={"csrf_token": meta_csrf(client), "collection_id": c.id,
                                          "release_id": cat.movie.id})
    assert [i.release_id for i in collections.items(c, alice.id)] == [cat.movie.id]
    html = client.get(f"/watch/{cat.movie.id}").get_data(as_text=True)
    assert f'<a href="/collections/{c.id}">Weekend</a>' in html and 'name="collection_id"' not in html


def test_library_pages_speak_russian(client, cat, alice):
    lists.set_entry(alice.id, cat.serial.id, {"status": "on_hold"})
    sign_in_as(client, alice)
    html = client.get("/lists", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Мои списки" in html and "Отложено (1)" in html
    html = client.get(f"/watch/{cat.serial.id}", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Серия 1" in html and "В избранное" in html


def test_library_pages_do_not_query_per_row(app, client, cat, alice):
    from playhouse.test_utils import count_queries

    from anihome.library import continue_watching

    def queries(path):
        client.get(path)  # warm: the first request of a client also loads the member and setup state
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    sign_in_as(client, alice)
    lists.set_entry(alice.id, cat.serial.id, {"status": "watching"})
    favorites.add(alice.id, cat.serial.id)
    progress.save(alice.id, episodes.ref_for(cat.voice, 1, 1), 100, 1440)
    one = {p: queries(p) for p in ("/lists", "/favorites", "/history", "/continue")}
    with count_queries() as counter:
        continue_watching.for_user(alice.id, 12)
    row_one = counter.count
    for rel, tr in ((cat.ongoing, cat.ongoing_tr), (cat.movie, cat.movie_tr)):
        lists.set_entry(alice.id, rel.id, {"status": "watching"})
        favorites.add(alice.id, rel.id)
        progress.save(alice.id, episodes.ref_for(tr, 1, 1), 100, 1440)
    assert {p: queries(p) for p in one} == one
    with count_queries() as counter:
        assert len(continue_watching.for_user(alice.id, 12)) == 3
    assert counter.count == row_one


def test_an_import_with_nothing_to_import_shows_plain_counts_and_cannot_be_applied(client, cat, alice):
    sign_in_as(client, alice)
    xml = (b"<myanimelist><anime><series_animedb_id>77777</series_animedb_id><series_title>Missing One</series_title>"
           b"<my_status>Dropped</my_status></anime></myanimelist>")
    r = client.post("/import", data={"csrf_token": meta_csrf(client), "file": (io.BytesIO(xml), "animelist.xml")},
                    content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert "<built-in" not in html and "object at 0x" not in html
    assert "0 new, 0 changed, 0 unchanged, 1 not in the catalog." in html
    assert re.search(r'<button type="submit"\s+disabled>Apply import</button>', html)

"""Catalog HTML pages: home rows, browse, release, search, calendar, iCal; age cap and escaping."""
import re

from anihome import events
from anihome.models import Release


def text(response):
    return response.get_data(as_text=True)


def test_home_shows_the_catalog_rows(as_owner, catalog):
    page = text(as_owner.get("/"))
    for title in ("New episodes", "Airing now", "Top rated", "Recently added"):
        assert title in page
    assert "Атака титанов" in page


def test_catalog_pages_need_a_signed_in_member(client, users, catalog):
    for path in ("/browse", f"/releases/{catalog.aot}", "/search?q=атака", "/calendar"):
        assert client.get(path).status_code == 302


def test_browse_filters_come_from_a_shareable_url(as_owner, catalog):
    page = text(as_owner.get("/browse?kind=movie"))
    assert "Звёздный странник" in page and "Тетрадь смерти" not in page
    assert 'value="movie" checked' in page


def test_browse_explains_an_empty_result(as_owner, catalog):
    page = text(as_owner.get("/browse?year_from=1990&year_to=1991"))
    assert "Nothing matches these filters" in page and "Clear all filters" in page


def test_browse_refuses_bad_parameters_naming_them(as_owner, catalog):
    response = as_owner.get("/browse?min_rating=eleven")
    assert response.status_code == 400 and "min_rating" in text(response)


def test_browse_pages_link_to_the_next_page_keeping_filters(as_owner, catalog):
    page = text(as_owner.get("/browse?sort=rating&per_page=2"))
    assert 'href="?sort=rating&amp;per_page=2&amp;page=2"' in page


def test_release_page_shows_facts_translations_and_watch_links(as_owner, catalog):
    page = text(as_owner.get(f"/releases/{catalog.aot}"))
    assert "Shingeki no Kyojin" in page and "Attack on Titan" in page and "Wit Studio" in page
    assert "AniLibria" in page and "Субтитры" in page and "WEB-DLRip 720p" in page
    first = catalog.translations["aot"][0].id
    assert f"/watch/{catalog.aot}?translation={first}&amp;season=1&amp;episode=25" in page
    assert "Атака титанов 2" in page  # franchise


def test_release_page_switches_translation(as_owner, catalog):
    subs = catalog.translations["aot"][1].id
    page = text(as_owner.get(f"/releases/{catalog.aot}?translation={subs}"))
    assert f"translation={subs}&amp;season=1&amp;episode=3" in page
    assert "episode=4" not in page


def test_hidden_and_unknown_releases_answer_404(as_kid, as_teen, as_owner, catalog):
    assert as_kid.get(f"/releases/{catalog.aot}").status_code == 404
    assert as_teen.get(f"/releases/{catalog.unknown}").status_code == 404
    assert as_owner.get(f"/releases/{catalog.gone}").status_code == 404
    assert as_owner.get(f"/releases/{catalog.aot}?translation=99999").status_code == 404


def test_age_cap_applies_to_home_browse_search_and_calendar(as_kid, catalog):
    for path in ("/", "/browse", "/search?q=атака", "/search?q=а", "/calendar"):
        page = text(as_kid.get(path))
        assert "Атака титанов" not in page and "Тёмные грёзы" not in page, path
        assert "Загадочная девушка" not in page, path


def test_titles_with_html_are_escaped_everywhere(as_owner, catalog):
    for path in ("/", "/browse?sort=year", f"/releases/{catalog.html}", "/search?q=script"):
        page = text(as_owner.get(path))
        assert "<script>alert(1)</script>" not in page and "<b>Bold</b>" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path


def test_search_page_lists_matches_and_explains_no_match(as_owner, catalog):
    assert "Ванпанчмен" in text(as_owner.get("/search?q=ONE+PUNCH"))
    assert "Nothing found" in text(as_owner.get("/search?q=qwertyuiop"))
    assert as_owner.get("/search").status_code == 200


def test_posters_are_lazy_in_fixed_boxes(as_owner, catalog):
    Release.update(poster_url="https://posters.invalid/1.jpg").execute()
    events.catalog_changed.send("test", release_ids=None)
    page = text(as_owner.get("/browse"))
    assert re.search(r'<span class="cover" aria-hidden="true" data-initial="[^"]+">'
                     r'\s*<img src="/posters/\d+" alt="" loading="lazy"', page)
    assert "posters.invalid" not in page  # artwork comes from this box only


def test_release_page_is_cached_and_refreshed_after_catalog_changed(as_owner, catalog):
    assert "Атака титанов" in text(as_owner.get(f"/releases/{catalog.aot}"))
    Release.update(title="Атака гигантов").where(Release.id == catalog.aot).execute()
    assert "Атака титанов" in text(as_owner.get(f"/releases/{catalog.aot}"))  # cached
    events.catalog_changed.send("test", release_ids=[catalog.aot])
    page = text(as_owner.get(f"/releases/{catalog.aot}"))
    assert "Атака гигантов" in page and "<h1 class=\"release-title\">Атака титанов" not in page
    assert "Атака гигантов" in text(as_owner.get("/"))


def test_calendar_shows_upcoming_episodes_and_the_feed_controls(as_owner, catalog):
    page = text(as_owner.get("/calendar"))
    assert "Ванпанчмен" in page and "Create my calendar feed" in page


def test_ical_feed_is_issued_revoked_and_respects_the_cap(app, as_teen, catalog, csrf):
    token = csrf(as_teen, "/calendar")
    as_teen.post("/calendar/feed", data={"csrf_token": token})
    page = text(as_teen.get("/calendar"))
    url = re.search(r'id="feed-url">([^<]+)<', page).group(1)
    path = url.split("localhost", 1)[1]
    anonymous = app.test_client()
    feed = anonymous.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    body = text(feed)
    assert "Ванпанчмен" in body and "Тёмные грёзы" not in body  # 18+ is above the cap
    as_teen.post("/calendar/feed/revoke", data={"csrf_token": token})
    assert anonymous.get(path).status_code == 404


def test_ical_with_a_wrong_token_is_not_found(client, users, catalog):
    assert client.get("/calendar/" + "x" * 43 + ".ics").status_code == 404


def test_feed_changes_need_csrf(as_teen, catalog):
    assert as_teen.post("/calendar/feed").status_code == 400


def test_browse_and_release_page_bound_their_queries(app, as_owner, catalog):
    from playhouse.test_utils import count_queries

    with app.app_context():
        with count_queries() as browse_count:
            as_owner.get("/browse?genre=action&sort=rating")
        with count_queries() as browse_cached:
            as_owner.get("/browse?genre=action&sort=rating")
        with count_queries() as release_count:
            as_owner.get(f"/releases/{catalog.aot}")
        with count_queries() as release_cached:
            as_owner.get(f"/releases/{catalog.aot}")
        with count_queries() as home_count:
            as_owner.get("/")
        with count_queries() as home_again:
            as_owner.get("/")
    # the first request checks first-run setup once; then the member's session row, the page
    # (count, page ids, cards), the facets (genres, studios, teams x 2, years) and the live
    # counts on the filters (kinds, statuses, genres)
    assert browse_count.count <= 15  # + the member's card marks (favorites, list statuses), then cached
    assert browse_cached.count <= 1  # at most the session's member
    # the release's seven, the comments and reviews panel (social/panel.py, nine), similar titles
    # (nightly list or shared genres, visibility, cards; cached per cap), and the member's own
    # part (chosen dub, list entry, favorite, collections, episode marks), never cached
    assert release_count.count <= 7 + 9 + 4 + 5
    assert release_cached.count <= 1 + 9 + 5
    # + the For-you row (experiment variant, recommendations or the cold start, visibility,
    # the member's lists, cards), cached per member: a second visit reads none of it again
    assert home_count.count <= 14
    assert home_again.count <= 7


def test_catalog_pages_speak_russian(app, users, catalog):
    from tests.catalog.conftest import signed_in

    client = signed_in(app, users["owner"])
    client.set_cookie("lang", "ru")
    page = text(client.get("/browse"))
    assert "Фильтры" in page and "Рейтинг не ниже" in page and "Каталог" in page
    assert "Переводы" in text(client.get(f"/releases/{catalog.aot}"))
    assert "Календарь выхода серий" in text(client.get("/calendar"))


def test_cached_fragments_are_kept_apart_by_age_cap_and_language(app, as_owner, as_kid, catalog):
    assert "Атака титанов" in text(as_owner.get("/browse"))
    assert "Атака титанов" not in text(as_kid.get("/browse"))
    as_kid.set_cookie("lang", "ru")
    assert "Фильтры" in text(as_kid.get("/browse"))
    assert "Фильтры" not in text(as_owner.get("/browse"))
    assert "Атака титанов" in text(as_owner.get(f"/releases/{catalog.aot}"))
    assert as_kid.get(f"/releases/{catalog.aot}").status_code == 404


def test_calendar_can_show_only_releases_on_my_lists(app, users, as_owner, catalog):
    from anihome.models import ListEntry

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        ListEntry.create(user=users["owner"].id, release=catalog.dreams, status="watching",
                         created_at=catalog.now, updated_at=catalog.now)
        ListEntry.create(user=users["owner"].id, release=catalog.opm, status="dropped",
                         created_at=catalog.now, updated_at=catalog.now)
    page = text(as_owner.get("/calendar?mine=1"))
    assert "Тёмные грёзы" in page and "Ванпанчмен" not in page
    everything = text(as_owner.get("/calendar"))
    assert "Тёмные грёзы" in everything and "Ванпанчмен" in everything

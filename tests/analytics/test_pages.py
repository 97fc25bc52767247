"""The analytics pages render the household's numbers, refuse members without the role,
name bad input, and draw their charts as inline SVG (readable without JavaScript)."""
import re

from .conftest import sign_in


def _page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def test_my_stats_page_shows_my_numbers_heatmap_and_years(client, built):
    sign_in(client, built.kid)
    html = _page(client, "/me/stats")
    assert re.search(r'id="streak">[^<]*2', html)
    assert 'class="chart chart-heat"' in html and html.count('class="heat-') == 7 * 24
    assert "<title>Wed 15: 0.3 h</title>" in html  # 1200 s on Wednesday at 15:00 Moscow time
    assert 'href="/me/stats/2026"' in html and "AniLibria" in html


def test_my_stats_page_in_russian(client, built):
    sign_in(client, built.alice)
    client.set_cookie("lang", "ru")
    html = _page(client, "/me/stats")
    assert "Моя статистика" in html and "Когда я смотрю" in html and "Ср 01: 0,2 ч" in html


def test_year_in_review_page(client, built):
    sign_in(client, built.owner)
    html = _page(client, "/me/stats/2026")
    assert "The Movie" in html and "1.9 h" in html
    _page(client, "/me/stats/1999", 400)


def test_dashboard_shows_series_top_content_dubs_completion_and_catalog(client, built):
    sign_in(client, built.owner)
    html = _page(client, "/admin/analytics/?from=2026-11-01&to=2026-11-20&by=members")
    assert html.count('class="chart-bar"') == 40  # 20 days x (views, watch time)
    assert "<title>04.11: 3</title>" in html
    assert re.search(r'id="top".*Атака титанов', html, re.S)
    assert 'id="dubs"' in html and 'id="completion"' in html and 'id="catalog-health"' in html
    assert re.search(r'href="/admin/analytics/reports\?[^"]*name=views[^"]*"', html)
    assert re.search(r'href="/admin/analytics/reports\?[^"]*format=xlsx[^"]*"', html)


def test_dashboard_names_bad_dates(client, built):
    sign_in(client, built.owner)
    html = _page(client, "/admin/analytics/?from=2026-02-30", 400)
    assert "from must be a date written YYYY-MM-DD." in html
    assert "from must not be after to." in _page(client, "/admin/analytics/?from=2026-11-10&to=2026-11-01", 400)


def test_cohorts_page_draws_the_retention_heat_table(client, built):
    sign_in(client, built.owner)
    html = _page(client, "/admin/analytics/cohorts?from=2026-10-01&to=2026-11-20&type=release_start")
    assert 'id="retention"' in html and 'title="2 / 2"' in html
    _page(client, "/admin/analytics/cohorts?type=signup", 400)


def test_admin_pages_refuse_members(client, built):
    sign_in(client, built.alice)
    for url in ("/admin/analytics/", "/admin/analytics/cohorts", "/admin/analytics/members"):
        assert client.get(url).status_code == 403, url


def test_analytics_tables_name_releases_in_the_readers_title_language(app, client, built):
    from anihome.accounts.users import set_title_language
    from anihome.models import Release

    with app.app_context(), app.extensions["anihome.db"].connection_context():
        Release.update(title_en="Attack on Titan").where(Release.title == "Атака титанов").execute()
    sign_in(client, built.owner)
    url = "/admin/analytics/?from=2026-11-01&to=2026-11-20&by=members"
    assert re.search(r'id="top".*Атака титанов', _page(client, url), re.S)
    with app.app_context(), app.extensions["anihome.db"].connection_context():
        set_title_language(built.owner.id, "en")
    html = _page(client, url)
    top = html.split('id="top"', 1)[1].split('id="dubs"', 1)[0]
    assert "Attack on Titan" in top and "Атака титанов" not in top
    completion = html.split('id="completion"', 1)[1]
    assert "Attack on Titan" in completion and "Атака титанов" not in completion
    assert "Attack on Titan" in _page(client, "/me/stats/2026")

"""The admin system page: cache statistics and clearing, backups on disk, where the logs are."""
from __future__ import annotations

from anihome.cache import get_cache
from anihome.jobs.runner import run_job

from .conftest import csrf_from, sign_in_as


def test_system_page_shows_cache_counts_backups_and_log_file(app, client, people):
    cache = get_cache(app)
    backup = run_job(app, "backup").progress_text
    sign_in_as(client, people["admin"])
    client.get("/admin/system/")  # the signed-in member is cached from here on (one hit per request)
    cache.set("a", 1)
    cache.get("a"), cache.get("a"), cache.get("missing")
    before = cache.stats()

    html = client.get("/admin/system/").get_data(as_text=True)

    hits, misses = before["hits"] + 1, before["misses"]
    assert f'<dd data-stat="hits">{hits}</dd>' in html
    assert f'<dd data-stat="misses">{misses}</dd>' in html
    assert f'<dd data-stat="hit_ratio">{round(hits / (hits + misses), 3) * 100:.1f}%</dd>' in html
    assert f"<code>{backup}</code>" in html
    assert "logs/anihome.log" in html


def test_clearing_the_cache_empties_it(app, client, people):
    cache = get_cache(app)
    cache.set("a", 1, tags=["catalog"])
    sign_in_as(client, people["admin"])
    token = csrf_from(client.get("/admin/system/").get_data(as_text=True))

    answer = client.post("/admin/system/cache/clear", data={"csrf_token": token})

    assert answer.status_code == 302
    assert cache.stats()["entries"] == 0 and cache.get("a") is None


def test_clearing_the_cache_needs_a_csrf_token_and_an_admin(app, client, people):
    cache = get_cache(app)
    cache.set("a", 1)
    sign_in_as(client, people["admin"])
    assert client.post("/admin/system/cache/clear").status_code == 400
    sign_in_as(client, people["member"])
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.get("/admin/system/").status_code == 403
    assert client.post("/admin/system/cache/clear", data={"csrf_token": token}).status_code == 403
    assert cache.get("a") == 1


def test_system_page_shows_the_cache_memory_against_its_budget_and_evictions(app, client, people):
    cache = get_cache(app)
    cache.max_bytes = 4 * 1024 * 1024
    cache.set("page", "x" * (1024 * 1024))
    cache.evictions = 7
    sign_in_as(client, people["admin"])

    html = client.get("/admin/system/").get_data(as_text=True)

    assert '<dd data-stat="bytes">1.0 MB of 4.0 MB (25%)</dd>' in html
    assert '<dd data-stat="evictions">7</dd>' in html


def test_system_page_cache_section_is_all_russian_in_russian(app, client, people):
    import re
    from pathlib import Path

    from anihome.i18n import catalog

    template = (Path(__file__).resolve().parents[2] / "templates/admin/system.html").read_text(encoding="utf-8")
    english = set(re.findall(r'_\("((?:[^"\\]|\\.)*)"', template))
    assert {"Memory used", "of %(budget)s"} <= english
    assert sorted(english - set(catalog("ru"))) == []
    sign_in_as(client, people["admin"])
    client.set_cookie("lang", "ru")
    html = client.get("/admin/system/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Занято памяти" in html and "Memory used" not in html

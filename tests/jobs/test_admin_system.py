"""The admin system page: cache statistics and clearing, backups on disk, where the logs are."""
from __future__ import annotations

from anihome.cache import get_cache
from anihome.jobs.runner import run_job

from .conftest import csrf_from, sign_in_as


def test_system_page_shows_cache_counts_backups_and_log_file(app, client, people):
    cache = get_cache(app)
    cache.set("a", 1)
    cache.get("a"), cache.get("a"), cache.get("a"), cache.get("missing")
    backup = run_job(app, "backup").progress_text
    sign_in_as(client, people["admin"])

    html = client.get("/admin/system/").get_data(as_text=True)

    assert '<dd data-stat="hits">3</dd>' in html
    assert '<dd data-stat="misses">1</dd>' in html
    assert '<dd data-stat="hit_ratio">75.0%</dd>' in html
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

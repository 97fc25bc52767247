"""Search on PostgreSQL (pg_trgm) answers as search on SQLite (FTS5) does, on the fixture catalog.

Both engines hold the same fixture catalog; every query, under every age cap, pages and
autocomplete included, must give the same ids in the same order and the same totals."""
import pytest

from anihome.catalog.search import autocomplete, search
from anihome.db import bind, close_all, is_postgres, is_sqlite
from tests.catalog.catalog_data import RELEASES, build_catalog
from tests.conftest import make_app

pytestmark = pytest.mark.postgres_only("needs a PostgreSQL server to compare with (ANIHOME_TEST_DATABASE_URL)")

QUERIES = ["атака", "атака титанов", "АТАКА ТИТАНОВ", "титан", "kyojin", "Shingeki no Kyojin", "attack on titan",
           "on titan", "no kyo", "звёздный", "звездный", "wanderer", "вторжение гигантов", "тетрадь", "death",
           "note death", "man", "one punch", "мечты", "script", "<script>", "тест", "ан", "а", "zz", "xyz",
           "100%", "a_b", "финал", "сезон", "2"]


def _all_titles():
    titles = set()
    for title, orig, en, others, *_ in RELEASES.values():
        for text in (title, orig, en, *others):
            if text:
                titles.add(text)
                titles.add(text[:5])
                titles.add(text[-4:])
    return sorted(titles)


def _answers(app, queries):
    database = app.extensions["anihome.db"]
    out = {}
    bind(database)  # models follow the last app made; point them at this one
    with app.app_context(), database.connection_context():
        build_catalog()
        for query in queries:
            for cap in (None, 16, 12):
                first = search(query, cap, 1, 3)
                second = search(query, cap, 2, 3)
                out[query, cap] = ([i["id"] for i in first["items"]], [i["id"] for i in second["items"]],
                                   first["total"], [s["id"] for s in autocomplete(query, cap)])
    return out


def test_search_on_postgres_gives_sqlite_s_results_on_the_fixture_catalog(tmp_path):
    queries = QUERIES + _all_titles()
    on_postgres = make_app(tmp_path / "pg")
    on_sqlite = make_app(tmp_path / "sqlite", DATABASE_URL="")
    try:
        assert is_postgres(on_postgres.extensions["anihome.db"]) and is_sqlite(on_sqlite.extensions["anihome.db"])
        expected = _answers(on_sqlite, queries)
        got = _answers(on_postgres, queries)
    finally:
        close_all(on_postgres.extensions["anihome.db"])
        close_all(on_sqlite.extensions["anihome.db"])
    assert sum(1 for ids, *_ in expected.values() if ids) > 40  # the queries do find things
    assert {key: value for key, value in got.items() if value != expected[key]} == {}

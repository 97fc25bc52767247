"""``anihome db copy --to URL``: a household moves between SQLite and PostgreSQL with every row.

The source is a synced catalog (fake Kodik) with members, a token, library marks and watch
progress. A round trip SQLite -> PostgreSQL -> SQLite gives back every row of every table;
search answers alike on the copy; new rows on PostgreSQL get ids past the copied ones."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from click.testing import CliRunner

from anihome.catalog.search import search
from anihome.cli import build_cli
from anihome.db import bind, close_all, is_postgres, is_sqlite
from anihome.ops.dbcopy import DERIVED, CopyError, copy_database, open_target
from tests.conftest import make_app, make_user
from tests.support import postgres
from tests.support.kodik import FaultyKodik


def _household(tmp_path, name="home", **overrides):
    """A household with a synced catalog, two members, a token, marks and progress."""
    from anihome.accounts import tokens
    from anihome.kodik import sync
    from anihome.library import favorites, progress
    from anihome.library.episodes import EpisodeRef
    from anihome.models import Episode
    from tests.sync.conftest import fast_client

    app = make_app(tmp_path / name, **overrides)
    owner = make_user(app, "owner", "owner")
    member = make_user(app, "Маша", "member")
    database = app.extensions["anihome.db"]
    with FaultyKodik(items=120, seed=3) as fake, app.app_context(), database.connection_context():
        client = fast_client(fake)
        try:
            sync.run_full(client)
        finally:
            client.close()
        tokens.create(owner, "kodi")
        episodes = list(Episode.select().order_by(Episode.id).limit(3))
        for episode in episodes:
            translation = episode.translation
            favorites.add(member.id, translation.release_id)
            ref = EpisodeRef(translation.release_id, translation.id, episode.season, episode.number, episode.id, False)
            progress.save(member.id, ref, 1300, 1400)
    return app


def _rows(database) -> dict[str, list[tuple]]:
    """Every row of every non-derived table, values as SQLite would give them back."""
    def plain(value):
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (datetime, date)):
            return str(value)
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, memoryview):
            return bytes(value)
        return value

    out = {}
    with database.connection_context():
        for table in sorted(set(database.get_tables()) - DERIVED):
            if table.startswith("release_search_") or table.startswith("release_title_search_") or table == "sqlite_sequence":
                continue
            cursor = database.execute_sql(f'SELECT * FROM "{table}"')
            out[table] = sorted((tuple(plain(v) for v in row) for row in cursor), key=repr)
    return out


def _found(app, query=None):
    """Search results for ``query`` (default: the longest word of the first release's title)."""
    from anihome.models import Release

    database = app.extensions["anihome.db"]
    bind(database)
    with app.app_context(), database.connection_context():
        if query is None:
            query = max(Release.select().order_by(Release.id).first().title.split(), key=len)
        return query, [item["id"] for item in search(query, None)["items"]]


def test_copy_to_a_new_sqlite_file_keeps_every_row_and_the_search(tmp_path):
    source_app = _household(tmp_path)
    source = source_app.extensions["anihome.db"]
    target = open_target(str(tmp_path / "copy" / "anihome.db"))
    bind(source)
    with source_app.app_context(), source.connection_context():
        result = copy_database(source, target, "copy")
    assert result.counts["release"] > 20 and result.counts["translation"] >= 100 and result.counts["user"] == 2
    assert result.search_rows == result.counts["release"]
    expected = _rows(source)
    assert _rows(target) == expected
    assert _found(source_app)[1]
    copy_app = make_app(tmp_path / "copied", DATA_DIR=str(tmp_path / "copy"), DATABASE_URL="")
    assert is_sqlite(copy_app.extensions["anihome.db"])
    assert _found(copy_app, _found(source_app)[0]) == _found(source_app)
    close_all(copy_app.extensions["anihome.db"])
    close_all(source)


@pytest.mark.postgres_only("copies into a PostgreSQL database (ANIHOME_TEST_DATABASE_URL)")
def test_a_sqlite_household_goes_to_postgres_and_back_with_every_row(tmp_path):
    source_app = _household(tmp_path, DATABASE_URL="")
    source = source_app.extensions["anihome.db"]
    assert is_sqlite(source)
    expected = _rows(source)

    pg_url = postgres.SERVER.database_for(str(tmp_path / "pg"), migrated=False)
    runner_env = {"ANIHOME_DATA_DIR": source_app.config["DATA_DIR"], "ANIHOME_DATABASE_URL": "",
                  "ANIHOME_SECRET_KEY": "test-secret"}
    postgres.SERVER.keep_sqlite(source_app.config["DATA_DIR"])
    result = CliRunner().invoke(build_cli(), ["db", "copy", "--to", pg_url], env=runner_env)
    assert result.exit_code == 0, result.output
    assert "counts match" in result.output and f"user{' ' * 2}" in result.output.replace("user ", "user  ")

    pg_app = make_app(tmp_path / "on-pg", DATABASE_URL=pg_url)
    pg = pg_app.extensions["anihome.db"]
    assert is_postgres(pg)
    assert _rows(pg) == expected
    assert _found(pg_app, _found(source_app)[0]) == _found(source_app)
    bind(pg)  # _found left the models on the SQLite household
    newest = make_user(pg_app, "newcomer", "member")  # the id sequence was moved past the copied ids
    assert newest.id == max(row[0] for row in expected["user"]) + 1

    back = tmp_path / "back" / "anihome.db"
    pg_env = {"ANIHOME_DATA_DIR": str(tmp_path / "on-pg"), "ANIHOME_DATABASE_URL": pg_url,
              "ANIHOME_SECRET_KEY": "test-secret"}
    close_all(pg)
    result = CliRunner().invoke(build_cli(), ["db", "copy", "--to", str(back)], env=pg_env)
    assert result.exit_code == 0, result.output
    returned = _rows(open_target_existing(back))
    expected["user"] = returned["user"]  # the newcomer came along, and nothing else changed
    assert len(returned["user"]) == 3
    assert returned == expected
    close_all(source)


def open_target_existing(path):
    from peewee import SqliteDatabase

    return SqliteDatabase(str(path))


def test_copy_refuses_a_target_that_is_not_empty(tmp_path):
    source_app = make_app(tmp_path / "a")
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(CopyError, match="already exists"):
        open_target(str(taken))
    result = CliRunner().invoke(build_cli(), ["db", "copy", "--to", "mysql://x@y/z"],
                                env={"ANIHOME_DATA_DIR": source_app.config["DATA_DIR"]})
    assert result.exit_code == 1 and "use postgresql://" in result.output
    close_all(source_app.extensions["anihome.db"])

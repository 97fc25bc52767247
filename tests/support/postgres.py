"""Running the suite against PostgreSQL: a fresh database per test data dir.

Set ``ANIHOME_TEST_DATABASE_URL=postgresql://user@host:port/postgres`` (a role that may create
databases; the database named in it is only used to create and drop others). Then:

- settings loaded without a DATABASE_URL (``anihome.config.load_settings``: apps, the CLI
  under CliRunner) get the database of their data dir;
- the first app of a session migrates a template database once (``anihome_test_<pid>_tpl``);
- every data dir a test makes an app for gets its own database cloned from it
  (``CREATE DATABASE ... TEMPLATE``, tens of milliseconds); the same data dir twice (an app
  "restarted" on the same household) gets the same database back;
- the databases a test made are dropped when it ends (``DROP DATABASE ... WITH (FORCE)``).

Tests that exercise SQLite itself (the file, WAL, ``VACUUM INTO``, FTS5, corruption) carry
``@pytest.mark.sqlite_only("why")``; on PostgreSQL they are deselected and listed with their
reason at the end of the run.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

ENV = "ANIHOME_TEST_DATABASE_URL"


def admin_url() -> str:
    return os.environ.get(ENV, "").strip()


def enabled() -> bool:
    return bool(admin_url())


def url_for(name: str) -> str:
    """The admin URL with its database replaced by ``name``."""
    parts = urlsplit(admin_url())
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


class Server:
    """Creates and drops the test databases (one admin connection, autocommit)."""

    def __init__(self):
        self.prefix = f"anihome_test_{os.getpid()}"
        self.template = f"{self.prefix}_tpl"
        self.by_dir: dict[str, str] = {}
        self.made: list[str] = []
        self.count = 0
        self._conn = None
        self._template_ready = False
        self.sqlite_dirs: set[str] = set()

    def install(self) -> None:
        """Make ``load_settings`` fill in the data dir's database when no URL is set."""
        from anihome import config

        load_settings = config.load_settings

        def with_test_database(*args, **kwargs):
            settings = load_settings(*args, **kwargs)
            data_dir = str(settings["DATA_DIR"])
            if not settings.get("DATABASE_URL") and data_dir not in self.sqlite_dirs:
                settings["DATABASE_URL"] = self.database_for(data_dir)
            return settings

        config.load_settings = with_test_database

    def keep_sqlite(self, data_dir: str) -> None:
        """Leave ``data_dir``'s household on SQLite (a test comparing the two engines)."""
        from pathlib import Path

        self.sqlite_dirs.add(str(Path(data_dir).resolve()))

    def _execute(self, sql: str) -> None:
        import psycopg2

        if self._conn is None or self._conn.closed:
            self._conn = psycopg2.connect(admin_url())
            self._conn.autocommit = True
        with self._conn.cursor() as cursor:
            cursor.execute(sql)

    def _ensure_template(self) -> None:
        if self._template_ready:
            return
        from anihome.catalog.search_pg import ensure_schema
        from anihome.db import bind, open_postgres
        from anihome.migrations import migrate

        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{self.template}"')
        database = open_postgres(url_for(self.template), 2)
        bind(database)
        with database.connection_context():
            migrate(database)
            ensure_schema(database)
        database.close_all()
        self._template_ready = True

    def database_for(self, data_dir: str, migrated: bool = True) -> str:
        """The URL of the database for ``data_dir`` (created on first use)."""
        key = f"{data_dir}|{migrated}"
        if key not in self.by_dir:
            self.count += 1
            name = f"{self.prefix}_{self.count}"
            if migrated:
                self._ensure_template()
                self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            else:
                self._execute(f'CREATE DATABASE "{name}"')
            self.by_dir[key] = name
            self.made.append(name)
        return url_for(self.by_dir[key])

    def drop_made(self) -> None:
        """Drop every database made since the last call (end of a test)."""
        for name in self.made:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.clear()
        self.by_dir.clear()
        self.sqlite_dirs.clear()

    def close(self) -> None:
        self.drop_made()
        if self._template_ready:
            self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        if self._conn is not None:
            self._conn.close()


SERVER = Server() if enabled() else None

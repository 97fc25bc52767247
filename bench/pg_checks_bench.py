"""What PostgreSQL's database checks cost: start-up's check, the hourly job's, doctor's.

A fresh database on the server of ``--pg`` (an admin URL: postgresql://user@host:port/postgres)
is migrated and filled by a full sync of the fake Kodik (``--items`` titles, in-process), then
``amcheck`` is installed in it. Timed ``--runs`` times each (median, ms), on one connection:

- ``SELECT 1``: one round trip, the floor (baseline);
- ``live_check`` without amcheck: what start-up runs (sequences, invalid indexes);
- ``live_check`` with amcheck: what the hourly ``integrity-check`` job runs;
- ``verify_schema``: start-up's comparison with what the migrations make;
- ``doctor_findings``: every database line of ``anihome doctor`` (its own connection,
  the schema comparison included; the reference schema is built once per process, its
  first build is timed apart).

With ``--restore``, one ``pg_dump`` backup and one ``restore_pg_backup`` of it are timed too
(the restore dumps the current database aside, then loads the archive in one transaction).

The database is dropped afterwards. Run:
python3 bench/pg_checks_bench.py --pg postgresql://postgres@127.0.0.1:5432/postgres [--items 20000] [--runs 5] [--restore]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _admin(url: str, sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def _median_ms(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return round(statistics.median(samples) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("ANIHOME_TEST_DATABASE_URL", ""))
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--restore", action="store_true", help="also time one backup and one restore of it")
    args = parser.parse_args()
    if not args.pg:
        parser.error("--pg postgresql://user@host:port/postgres is needed")

    from urllib.parse import urlsplit, urlunsplit

    from anihome import create_app
    from anihome.kodik import sync
    from anihome.kodik.client import KodikClient
    from anihome.kodik.fake.server import FakeKodik
    from anihome.models import Release
    from anihome.ops import guards
    from anihome.ops.pg_checks import Reader, connect, doctor_findings, live_check
    from anihome.serving.startup import prepare_database

    name = f"anihome_bench_checks_{os.getpid()}"
    parts = urlsplit(args.pg)
    url = urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
    _admin(args.pg, f'CREATE DATABASE "{name}"')
    fake = FakeKodik(items=args.items, seed=11)
    fake_url = fake.bind()
    threading.Thread(target=fake.serve, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = create_app({"DATA_DIR": str(Path(folder) / "data"), "SECRET_KEY": "bench", "TESTING": True,
                              "DATABASE_URL": url})
            prepare_database(app)
            database = app.extensions["anihome.db"]
            with app.app_context(), database.connection_context():
                sync.run_full(KodikClient(fake_url, "fake-kodik-token", max_rps=0))
                releases = Release.select().count()
            database.close_all()
            _admin(url, "CREATE EXTENSION amcheck")
            connection = connect(url)
            reader = Reader(connection)
            size = reader.execute_sql("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
            indexes = reader.execute_sql("SELECT pg_size_pretty(SUM(pg_relation_size(indexrelid))) FROM pg_index "
                                         "JOIN pg_class c ON c.oid = indexrelid JOIN pg_namespace n "
                                         "ON n.oid = c.relnamespace WHERE n.nspname = 'public'").fetchone()[0]
            live_check(reader)  # warm the server's caches, as an hourly run finds them
            results = {
                "SELECT 1 (baseline)": _median_ms(lambda: reader.execute_sql("SELECT 1").fetchone(), args.runs),
                "live_check, no amcheck (start-up)": _median_ms(lambda: live_check(reader, use_amcheck=False),
                                                                args.runs),
                "live_check with amcheck (hourly job)": _median_ms(lambda: live_check(reader), args.runs),
            }
            checked = live_check(reader).counts["amcheck_indexes"]
            results["verify_schema (start-up's schema guard)"] = _median_ms(
                lambda: guards.verify_schema(reader, postgres=True), args.runs)
            connection.close()
            guards.reference_schema.cache_clear()  # as in a fresh `anihome doctor` process
            started = time.perf_counter()
            guards.reference_schema()
            first_reference = round((time.perf_counter() - started) * 1000, 1)
            results["doctor_findings (all database lines)"] = _median_ms(lambda: doctor_findings(url), args.runs)
            if args.restore:  # once: a backup of the household, then restoring it (dump aside + load)
                from anihome.migrations import head_version
                from anihome.ops.pg_backups import make_pg_backup
                from anihome.ops.pg_restore import restore_pg_backup

                settings = app.config["ANIHOME_SETTINGS"]
                started = time.perf_counter()
                backup = make_pg_backup(url, Path(folder) / "data" / "backups", "anihome")
                results["pg_dump backup (nightly job), once"] = round((time.perf_counter() - started) * 1000, 1)
                started = time.perf_counter()
                restore_pg_backup(settings, backup.name, head_version())
                results["restore_pg_backup (dump aside + load), once"] = round((time.perf_counter() - started) * 1000, 1)
                dump_mb = round(backup.size / 1048576, 1)
    finally:
        _admin(args.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if args.restore:
        print(f"archive: {dump_mb} MB")
    print(f"{releases} releases, database {size} (indexes {indexes}), {checked} B-tree indexes under amcheck; "
          f"median of {args.runs} runs; reference schema first build {first_reference} ms")
    for label, ms in results.items():
        print(f"  {label:<42} {ms:>8.1f} ms")


if __name__ == "__main__":
    main()

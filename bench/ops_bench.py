"""What the safety checks cost: verified backups, quick_check at start-up, the schema check.

On a copy of a database file (``--db PATH``, e.g. a data dir's anihome.db with a synced
catalog), times each step ``--runs`` times and prints the median: a plain file copy (the
baseline: what the disk alone costs), SQLite's online backup API, ``make_backup`` (backup
API + rollback journal + ``integrity_check`` + fsync + rename), ``quick_check`` and
``integrity_check`` of the live file, and ``verify_schema`` (the reference schema is built
once per process; its first build is timed apart).
Run: python3 bench/ops_bench.py --db data/anihome.db [--runs 3]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    from peewee import SqliteDatabase

    from anihome.ops import backups, guards
    from anihome.ops.integrity import check_file

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="anihome-opsbench-") as scratch:
        scratch = Path(scratch)
        live = scratch / "anihome.db"
        shutil.copyfile(args.db, live)
        size_mb = live.stat().st_size / 1048576
        rows = [
            ("plain file copy (baseline)", timed(lambda: shutil.copyfile(live, scratch / "plain.db"), args.runs)),
            ("SQLite backup API copy", timed(lambda: backups._copy(live, scratch / "api.db"), args.runs)),
            ("verified backup (make_backup)", timed(lambda: backups.make_backup(live, scratch / "b", "anihome"),
                                                    args.runs)),
            ("quick_check (start-up, hourly job)", timed(lambda: check_file(live, full=False, read_only=False),
                                                          args.runs)),
            ("integrity_check (each backup)", timed(lambda: check_file(live, full=True, read_only=False), args.runs)),
        ]
        start = time.perf_counter()
        guards.reference_schema()
        rows.append(("reference schema, first build", time.perf_counter() - start))
        database = SqliteDatabase(str(live))
        database.connect()
        rows.append(("verify_schema (after the first build)", timed(lambda: guards.verify_schema(database), args.runs)))
        database.close()
    print(f"database {args.db} ({size_mb:.1f} MB), median of {args.runs} runs")
    for label, seconds in rows:
        print(f"  {label:<40} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()

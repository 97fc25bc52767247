"""Restore a ``pg_dump`` backup (``.dump``) into a PostgreSQL household, all or nothing.

The same steps as an SQLite restore (``ops.restore``), for a server database:

1. the archive is checked (``pg_restore --list`` reads it and it holds table data) and its
   schema version read from its ``schema_version`` data: an archive from a newer AniHome,
   or one that is not AniHome's, is refused;
2. the current database is dumped into ``<data dir>/replaced/`` first (a verified
   ``pg_dump``, like the replaced SQLite file kept there); if that fails nothing is changed;
3. one ``psql --single-transaction`` session drops the household's tables, loads the
   archive (``pg_restore`` writes it as SQL, extensions and their comments left out: they
   need ownership AniHome's role may lack, and start-up creates ``pg_trgm``), then ends every
   browser session and household screen in the restored rows. Any error rolls the whole
   transaction back: the database is as it was.

The caller (``ops.maintenance.restore_in_server``) holds requests and jobs off and migrates
the restored database forward afterwards, as at start-up. The password travels in
``PGPASSWORD``, never on a command line.
"""
from __future__ import annotations

import logging
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Mapping

from .backups import BackupError
from .integrity import private_dir, private_file
from .pg_backups import DUMP_SUFFIX, _last_line, _split_password, make_pg_backup, tool, verify_dump
from .restore import RestoreError, RestoreResult, ServerLock, find_backup, refuse_unknown_schema

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 3600
_CHUNK = 1 << 16

#: Before the archive, in the same transaction: wait at most this long for locks, drop the tables.
_PRELUDE = """SET lock_timeout = '15s';
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DO $anihome$ DECLARE r record; BEGIN
  FOR r IN SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name
           FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE 'DROP TABLE IF EXISTS ' || r.name || ' CASCADE';
  END LOOP;
END $anihome$;
"""

#: After the archive: a backup brings back the sessions and screens of its day; end them all.
_POSTLUDE = """
DO $anihome$ BEGIN
  IF to_regclass('public.user_session') IS NOT NULL THEN DELETE FROM public.user_session; END IF;
  IF to_regclass('public.household_screen') IS NOT NULL THEN DELETE FROM public.household_screen; END IF;
END $anihome$;
"""

_COPY_HEAD = re.compile(r"^COPY \S*schema_version \(([^)]*)\) FROM stdin;$")


def dump_schema_version(path: Path, env: dict) -> int:
    """The highest ``schema_version`` row in the archive (0 when it has none)."""
    done = subprocess.run([tool("pg_restore"), "--data-only", "--table=schema_version", "--file=-", str(path)],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RestoreError(f"{path.name}: pg_restore cannot read it ({_last_line(done.stderr)}); it was not restored")
    versions, column = [], None
    for line in done.stdout.splitlines():
        head = _COPY_HEAD.match(line)
        if head:
            names = [name.strip().strip('"') for name in head.group(1).split(",")]
            column = names.index("version") if "version" in names else None
            continue
        if column is not None:
            if line == "\\.":
                column = None
                continue
            value = line.split("\t")[column]
            if value.isdigit():
                versions.append(int(value))
    return max(versions, default=0)


def archive_schema(path: Path) -> int:
    """``dump_schema_version`` for listings: 0 when the archive (or pg_restore) cannot say."""
    import os

    if tool("pg_restore") is None:
        return 0
    try:
        return dump_schema_version(path, dict(os.environ))
    except (RestoreError, OSError, subprocess.SubprocessError):
        return 0


def _restore_list(source: Path, env: dict, folder: Path) -> Path:
    """``pg_restore --list`` of the archive without its extensions (and their comments)."""
    listed = subprocess.run([tool("pg_restore"), "--list", str(source)], env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    if listed.returncode != 0:
        raise RestoreError(f"{source.name}: pg_restore cannot read it ({_last_line(listed.stderr)})")
    kept = [line for line in listed.stdout.splitlines() if not re.search(r"\b(EXTENSION)\b", line)]
    path = private_file(folder / ".restore.list")
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def _load(source: Path, url: str, folder: Path) -> None:
    """Drop the tables and load the archive in one transaction (psql fed by pg_restore).

    Both programs' messages go to temporary files, so neither can block on a full pipe."""
    target, env = _split_password(url)
    listing = _restore_list(source, env, folder)
    try:
        with tempfile.TemporaryFile() as reader_err, tempfile.TemporaryFile() as loader_err:
            reader = subprocess.Popen([tool("pg_restore"), "--no-owner", "--no-privileges", f"--use-list={listing}",
                                       "--file=-", str(source)], env=env, stdout=subprocess.PIPE, stderr=reader_err)
            loader = subprocess.Popen([tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction",
                                       "--set=ON_ERROR_STOP=1", "--file=-", f"--dbname={target}"], env=env,
                                      stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=loader_err)
            broken = None
            try:
                loader.stdin.write(_PRELUDE.encode())
                while chunk := reader.stdout.read(_CHUNK):
                    loader.stdin.write(chunk)
                if reader.wait(timeout=TIMEOUT_SECONDS) == 0:
                    loader.stdin.write(_POSTLUDE.encode())
                else:  # a broken archive must not be committed: fail the transaction
                    loader.stdin.write(b"\n\\.\nSELECT 1/0 AS archive_unreadable;\n")
            except OSError as exc:  # psql stopped early (an error): its own message says why
                broken = exc
            finally:
                try:
                    loader.stdin.close()
                except OSError:
                    pass
                reader.stdout.close()
            loader.wait(timeout=TIMEOUT_SECONDS)
            if reader.poll() is None:
                reader.kill()
            reader.wait(timeout=60)
            reader_err.seek(0)
            loader_err.seek(0)
            reader_text = reader_err.read().decode("utf-8", "replace")
            loader_text = loader_err.read().decode("utf-8", "replace")
    finally:
        listing.unlink(missing_ok=True)
    if reader.returncode != 0 and loader.returncode != 0:
        raise RestoreError(f"pg_restore could not read {source.name} ({_last_line(reader_text)}); the restore was "
                           "rolled back, nothing was changed")
    if loader.returncode != 0:
        reason = _last_line(loader_text) if loader_text.strip() else str(broken or "psql failed")
        raise RestoreError(f"loading {source.name} failed ({reason}); the restore was rolled back, nothing was changed")


def restore_pg_backup(settings: Mapping[str, Any], name: str, head: int, lock_held: bool = False) -> RestoreResult:
    """Check the archive ``name``, dump the current database aside, load the archive in one transaction."""
    url = settings["DATABASE_URL"]
    source = find_backup(settings, name)
    if source.suffix != DUMP_SUFFIX:
        raise RestoreError(f"{source.name} is not a PostgreSQL backup (.dump); this household runs on PostgreSQL")
    missing = [program for program in ("pg_restore", "psql", "pg_dump") if tool(program) is None]
    if missing:
        raise RestoreError(f"{', '.join(missing)} not installed (Debian: apt install postgresql-client); "
                           "nothing was changed")
    _, env = _split_password(url)
    verdict = verify_dump(source, env)
    if not verdict.ok:
        raise RestoreError(f"{source} failed its check ({verdict.detail}); it was not restored")
    version = dump_schema_version(source, env)
    refuse_unknown_schema(source.name, "a pg_dump archive", version, head)
    lock = ServerLock(settings["DATA_DIR"])
    if not lock_held:
        lock.acquire()
    try:
        aside = private_dir(Path(settings["DATA_DIR"]) / "replaced")
        try:
            replaced = make_pg_backup(url, aside, "anihome")
        except BackupError as exc:
            raise RestoreError(f"could not keep the current database in {aside} first ({exc}); nothing was "
                               "changed") from exc
        _load(source, url, aside)
    finally:
        lock.release()
    log.warning("restored backup=%s schema=%s replaced_to=%s engine=postgresql", source.name, version, replaced.path)
    return RestoreResult(source, replaced.path, version)

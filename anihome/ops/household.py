"""Move a household in one file: an archive with a database snapshot, each member's lists, settings.

``export_household`` writes a zip: ``anihome.db`` (a consistent ``VACUUM INTO`` snapshot,
checked, without secrets: ``strip_secrets`` removes the stored Kodik token, the SMTP
password and every push channel's secret, and the manifest names what was removed so the
new home knows what to enter again), ``members/<name>.mal.xml`` (MyAnimeList
format) and ``members/<name>.json`` (the member's full export) for every member,
``settings.json`` (this install's settings without secrets or machine paths) and
``manifest.json``. ``plan_import`` compares an archive with the database in place (members
and row counts) without changing anything; ``import_household`` restores the snapshot like
a backup (``restore.restore_backup``: verified, the replaced database kept aside).
"""
from __future__ import annotations

import io
import json
import logging
import os
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..clock import utcnow
from ..db import database, sqlite_path
from ..version import __version__
from .integrity import check_file, private_file
from .restore import RestoreError, RestoreResult, restore_backup, schema_of

log = logging.getLogger(__name__)

FORMAT = 1
SECRET_SETTINGS = {"SECRET_KEY", "KODIK_TOKEN", "DATABASE_URL", "DATA_DIR"}
#: A setting whose name holds one of these is a secret too (a future SMTP_PASSWORD, *_TOKEN, ...).
SECRET_WORDS = ("SECRET", "TOKEN", "PASSWORD", "KEY")
SMTP_KEY = "notify.smtp"  # notify.household.SMTP_KEY: a JSON object with a "password"
#: Tables whose row counts the import plan compares (others are shown only as a total).
COUNTED = ("user", "list_entry", "watch_progress", "watch_event", "favorite", "collection", "release",
           "job_run")
_MAX_MEMBERS_LISTED = 50


class ArchiveError(RestoreError):
    """The file is not a household archive AniHome can use; nothing was changed."""


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    members: list[str]
    size: int


@dataclass
class ImportPlan:
    archive: Path
    manifest: dict
    members_added: list[str] = field(default_factory=list)
    members_removed: list[str] = field(default_factory=list)
    counts: dict[str, tuple[int | None, int]] = field(default_factory=dict)  # table: (now, after)


def _safe_name(username: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in username) or "member"


def _snapshot_into(path: Path) -> None:
    """A consistent SQLite copy of the live database at ``path``: ``VACUUM INTO`` on SQLite; from
    PostgreSQL, ``db copy`` into a new SQLite file (one snapshot, counts verified), so the
    archive restores anywhere."""
    from ..db import is_postgres

    if is_postgres():
        from .dbcopy import copy_database, open_target

        copy_database(database.obj, open_target(str(path)), "the archive's snapshot")
        return
    database.execute_sql("VACUUM INTO ?", (str(path),))


def is_secret_setting(name: str) -> bool:
    return name in SECRET_SETTINGS or any(word in name for word in SECRET_WORDS)


def _table_exists(connection: sqlite3.Connection, table: str) -> bool:
    return connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (table,)).fetchone() is not None


def strip_secrets(connection: sqlite3.Connection, kodik_token_key: str) -> list[str]:
    """Remove every stored secret from a snapshot; return what was removed (for the manifest)."""
    removed = []
    if connection.execute("DELETE FROM app_setting WHERE key = ?", (kodik_token_key,)).rowcount:
        removed.append("kodik_token")
    row = connection.execute("SELECT value FROM app_setting WHERE key = ?", (SMTP_KEY,)).fetchone()
    if row is not None:
        try:
            smtp = json.loads(row[0])
        except ValueError:
            smtp = None
        if not isinstance(smtp, dict) or smtp.get("password"):
            if isinstance(smtp, dict):
                smtp["password"] = ""
                connection.execute("UPDATE app_setting SET value = ? WHERE key = ?", (json.dumps(smtp), SMTP_KEY))
            else:  # unreadable: drop it whole rather than carry a password along
                connection.execute("DELETE FROM app_setting WHERE key = ?", (SMTP_KEY,))
            removed.append("smtp_password")
    if _table_exists(connection, "channel"):
        count = connection.execute("UPDATE channel SET secret = '' WHERE secret != ''").rowcount
        if count:
            removed.append(f"channel_secrets:{count}")
    return removed


def export_household(settings: Mapping[str, Any], target: Path) -> ExportSummary:
    """Write the household archive to ``target`` (inside an app context with a connection)."""
    from ..kodik.state import TOKEN_KEY
    from ..library import export_json, mal
    from ..models import User

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    with tempfile.TemporaryDirectory(prefix="anihome-export-") as scratch:
        snapshot = Path(scratch) / "anihome.db"
        _snapshot_into(snapshot)
        connection = sqlite3.connect(snapshot)
        try:
            removed = strip_secrets(connection, TOKEN_KEY)
            connection.commit()
            connection.execute("VACUUM")
        finally:
            connection.close()
        verdict = check_file(snapshot)
        if not verdict.ok:
            raise ArchiveError(f"the database snapshot failed its integrity check ({verdict.detail}); "
                               "the database itself may be damaged (anihome doctor)")
        members = list(User.select().order_by(User.id))
        manifest = {"format": FORMAT, "anihome_version": __version__, "schema_version": schema_of(snapshot),
                    "created_at": utcnow().isoformat(timespec="seconds") + "Z",
                    "members": [m.username for m in members], "counts": _counts(snapshot),
                    "secrets_removed": removed}
        public = {name: value for name, value in settings.items()
                  if name.isupper() and not is_secret_setting(name) and not name.startswith(("TESTING", "WTF_"))}
        try:
            private_file(partial)  # it holds password hashes: 0600 like the database
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
                archive.writestr("settings.json", json.dumps(public, ensure_ascii=False, indent=2, default=str))
                archive.write(snapshot, "anihome.db")
                for member in members:
                    name = _safe_name(member.username)
                    xml, _skipped = mal.export_xml(member.id)
                    archive.writestr(f"members/{name}.mal.xml", xml)
                    with archive.open(f"members/{name}.json", "w") as entry, \
                            io.TextIOWrapper(entry, encoding="utf-8", newline="\n") as text:
                        export_json.write(member.id, text)  # row by row: a long history is never whole
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    log.info("household export=%s members=%s bytes=%s", target, len(members), target.stat().st_size)
    return ExportSummary(target, [m.username for m in members], target.stat().st_size)


def _counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in COUNTED if table in tables}
    finally:
        connection.close()


def _usernames(path: Path) -> set[str]:
    connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute("SELECT username FROM user")}
    except sqlite3.Error:
        return set()
    finally:
        connection.close()


def unpack(archive_path: Path, scratch: Path) -> tuple[dict, Path]:
    """Check ``archive_path`` and extract its database into ``scratch``; return (manifest, db path)."""
    try:
        with zipfile.ZipFile(archive_path) as archive:
            names = set(archive.namelist())
            if not {"manifest.json", "anihome.db"} <= names:
                raise ArchiveError(f"{archive_path} is not an AniHome household archive (no manifest or database)")
            manifest = json.loads(archive.read("manifest.json"))
            target = scratch / "anihome.db"
            with archive.open("anihome.db") as source, target.open("wb") as out:
                while chunk := source.read(1 << 20):
                    out.write(chunk)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveError(f"{archive_path} cannot be read as a household archive ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"{archive_path} has archive format {manifest.get('format')!r}; this AniHome reads {FORMAT}")
    verdict = check_file(target)
    if not verdict.ok:
        raise ArchiveError(f"the database in {archive_path} failed its integrity check ({verdict.detail})")
    return manifest, target


def plan_import(settings: Mapping[str, Any], archive_path: Path) -> ImportPlan:
    """What importing ``archive_path`` would change, compared with the database in place."""
    with tempfile.TemporaryDirectory(prefix="anihome-import-") as scratch:
        manifest, snapshot = unpack(Path(archive_path), Path(scratch))
        after_counts, after_members = _counts(snapshot), _usernames(snapshot)
    current = sqlite_path(settings)
    exists = current.exists() and check_file(current, full=False, read_only=False).ok
    now_counts = _counts(current) if exists else {}
    now_members = _usernames(current) if exists else set()
    plan = ImportPlan(Path(archive_path), manifest,
                      sorted(after_members - now_members)[:_MAX_MEMBERS_LISTED],
                      sorted(now_members - after_members)[:_MAX_MEMBERS_LISTED])
    for table in COUNTED:
        if table in after_counts or table in now_counts:
            plan.counts[table] = (now_counts.get(table) if exists else None, after_counts.get(table, 0))
    return plan


def import_household(settings: Mapping[str, Any], archive_path: Path, head: int,
                     lock_held: bool = False) -> RestoreResult:
    """Replace the database with the archive's snapshot (verified; the replaced one kept aside)."""
    Path(settings["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="anihome-import-", dir=settings["DATA_DIR"]) as scratch:
        _manifest, snapshot = unpack(Path(archive_path), Path(scratch))
        return restore_backup(settings, str(snapshot), head, lock_held=lock_held)

"""Backups that cannot eat themselves: copy to a temporary name, verify, rename, then prune.

A backup is written as ``.<name>.partial``, converted to a self-contained file (rollback
journal, so no ``-wal``/``-shm`` ever sits next to it), checked with ``PRAGMA
integrity_check`` and only then renamed to ``<family>-<UTC stamp>.db``. So every file named
like a backup passed its check; a copy that fails (a damaged database, a full disk) is
deleted and reported, and nothing is pruned. Pruning keeps the newest ``keep`` backups of a
family plus the newest of each of the last ``daily`` days, ``weekly`` ISO weeks and
``monthly`` months, and only ever runs after a verified success.
"""
from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..clock import utcnow
from .diskspace import is_disk_full
from .integrity import check_file, file_problem, private_dir, private_file

log = logging.getLogger(__name__)

NIGHTLY = "anihome"
PRE_MIGRATION = "pre-migration"
PARTIAL_SUFFIX = ".partial"
_STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(?P<family>[a-z-]+?)(?:-v(?P<version>\d+))?-(?P<stamp>\d{8}-\d{6}(?:-\d{6})?)\.(?:db|dump)$")
_SIDE_FILES = ("-wal", "-shm", "-journal")
_STALE_PARTIAL_SECONDS = 3600


class BackupError(RuntimeError):
    """The backup could not be made or did not pass its check; no backup file was left."""

    def __init__(self, message: str, disk_full: bool = False):
        super().__init__(message)
        self.disk_full = disk_full


@dataclass(frozen=True)
class BackupFile:
    path: Path
    family: str
    made: datetime  # UTC, naive, from the name
    size: int
    schema_version: int | None = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Retention:
    """How many backups of a family to keep: the newest ``keep``, plus generations."""

    keep: int
    daily: int = 0
    weekly: int = 0
    monthly: int = 0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], family: str = NIGHTLY) -> "Retention":
        keep = max(1, int(settings["BACKUP_KEEP"]))
        if family != NIGHTLY:
            return cls(keep)
        return cls(keep, max(0, settings["BACKUP_KEEP_DAILY"]), max(0, settings["BACKUP_KEEP_WEEKLY"]),
                   max(0, settings["BACKUP_KEEP_MONTHLY"]))


def parse_name(path: Path) -> BackupFile | None:
    """The backup a file name stands for, or None for any other file."""
    match = _NAME.match(path.name)
    if not match:
        return None
    stamp = match["stamp"] if match["stamp"].count("-") == 2 else match["stamp"] + "-000000"
    try:
        made = datetime.strptime(stamp, _STAMP_FORMAT)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    version = int(match["version"]) if match["version"] else None
    return BackupFile(path, match["family"], made, size, version)


def list_backups(folder: Path, family: str | None = None) -> list[BackupFile]:
    """Backups in ``folder`` (of one ``family`` when given), newest first."""
    found = []
    # .dump: PostgreSQL households' pg_dump archives (ops.pg_backups), kept by the same rules
    for path in sorted(folder.glob("*.db")) + sorted(folder.glob("*.dump")) if folder.is_dir() else ():
        backup = parse_name(path)
        if backup and (family is None or backup.family == family):
            found.append(backup)
    return sorted(found, key=lambda b: (b.made, b.name), reverse=True)


def make_backup(db_path: Path, folder: Path, family: str, version: int | None = None) -> BackupFile:
    """Copy the SQLite database at ``db_path`` into ``folder`` as a verified backup.

    Raises ``BackupError`` (with ``disk_full`` set when that is the cause) and leaves no file
    named like a backup behind when the copy cannot be made or fails its check.
    """
    problem = file_problem(db_path)
    if problem:
        raise BackupError(f"cannot back up {db_path}: {problem}")
    private_dir(folder)  # 0700 when made here; backups are 0600 like the database
    remove_stale_partials(folder)
    label = f"{family}-v{version}" if version is not None else family
    final = folder / f"{label}-{utcnow().strftime(_STAMP_FORMAT)}.db"
    partial = folder / f".{final.name}{PARTIAL_SUFFIX}"
    try:
        _copy(db_path, partial)
        verdict = check_file(partial, full=True)
        if not verdict.ok:
            raise BackupError(f"the copy of {db_path.name} failed its integrity check ({verdict.detail}); "
                              "the database itself is probably damaged. The older backups were kept.")
        _fsync(partial)
        os.replace(partial, final)
        _fsync(folder)
    except BackupError:
        _remove_with_side_files(partial)
        raise
    except (OSError, sqlite3.Error) as exc:
        _remove_with_side_files(partial)
        if is_disk_full(exc):
            raise BackupError(f"disk full: no room for a backup in {folder}; free some space "
                              "(older backups were kept)", disk_full=True) from exc
        raise BackupError(f"the backup into {folder} failed: {exc}") from exc
    _remove_with_side_files(partial)  # nothing left of the temporary name, whatever happened
    backup = parse_name(final)
    assert backup is not None
    log.info("backup=%s bytes=%s status=verified", final.name, backup.size)
    return backup


def _copy(source_path: Path, target: Path) -> None:
    """SQLite's online backup API into ``target``, then a rollback journal so it stands alone."""
    private_file(target)
    source = sqlite3.connect(str(source_path), timeout=30)
    try:
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            dest.close()
    finally:
        source.close()


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_with_side_files(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + side) for side in _SIDE_FILES)):
        try:
            candidate.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove file=%s", candidate)


def remove_stale_partials(folder: Path, older_than: float = _STALE_PARTIAL_SECONDS) -> list[Path]:
    """Delete temporary files a crashed backup left, and orphan ``-wal``/``-shm`` next to backups."""
    removed = []
    now = time.time()
    for path in folder.iterdir() if folder.is_dir() else ():
        name = path.name
        stale_partial = name.startswith(".") and PARTIAL_SUFFIX in name
        orphan_side = name.endswith(_SIDE_FILES) and _NAME.match(re.sub(r"-(wal|shm|journal)$", "", name))
        try:
            if (stale_partial and now - path.stat().st_mtime > older_than) or orphan_side:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def backups_to_keep(backups: Iterable[BackupFile], retention: Retention) -> set[Path]:
    """The files a retention policy keeps out of one family's backups."""
    ordered = sorted(backups, key=lambda b: (b.made, b.name), reverse=True)
    keep = {b.path for b in ordered[:retention.keep]}
    for count, bucket in ((retention.daily, lambda d: d.date()),
                          (retention.weekly, lambda d: d.isocalendar()[:2]),
                          (retention.monthly, lambda d: (d.year, d.month))):
        seen: list[Any] = []
        for backup in ordered:
            key = bucket(backup.made)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            keep.add(backup.path)
    return keep


def prune_family(folder: Path, family: str, retention: Retention) -> list[Path]:
    """Delete the backups of ``family`` in ``folder`` that ``retention`` does not keep."""
    backups = list_backups(folder, family)
    keep = backups_to_keep(backups, retention)
    removed = []
    for backup in backups:
        if backup.path not in keep:
            _remove_with_side_files(backup.path)
            removed.append(backup.path)
    return removed


def prune(folder: Path, settings: Mapping[str, Any]) -> list[Path]:
    """Apply each family's retention (from settings) to ``folder``; return the deleted files.

    Call it only after a verified backup: it never deletes the newest BACKUP_KEEP of a family.
    """
    removed = []
    for family in sorted({b.family for b in list_backups(folder)}):
        removed += prune_family(folder, family, Retention.from_settings(settings, family))
    if removed:
        log.info("backups_pruned=%s", len(removed))
    return removed


def verify_backup(backup: BackupFile | Path) -> Any:
    """Check a backup on disk again (``PRAGMA integrity_check``; ``pg_restore --list`` for a
    PostgreSQL dump): a ``Verdict``."""
    path = backup.path if isinstance(backup, BackupFile) else backup
    if path.suffix == ".dump":
        from .pg_backups import verify_dump

        return verify_dump(path)
    return check_file(path, full=True)

"""The pre-migration backup: a verified copy (see ``anihome.ops.backups``), capped in count."""
from __future__ import annotations

import re
from pathlib import Path

from ..ops.backups import BackupError, Retention, make_backup, prune_family

__all__ = ["BackupError", "backup_sqlite"]


def backup_sqlite(db_path: Path, backup_dir: Path, prefix: str, keep: int,
                  version: int | None = None) -> Path:
    """Copy ``db_path`` to ``backup_dir/<prefix>[-v<version>]-<utc stamp>.db`` (verified); keep the newest ``keep``.

    Raises ``BackupError`` and leaves no backup-named file when the copy fails or is unsound.
    """
    named = re.match(r"^(.*)-v(\d+)$", prefix)  # "pre-migration-v7": family and version
    if named and version is None:
        prefix, version = named.group(1), int(named.group(2))
    backup = make_backup(Path(db_path), Path(backup_dir), prefix, version)
    prune_family(Path(backup_dir), prefix, Retention(max(1, keep)))
    return backup.path

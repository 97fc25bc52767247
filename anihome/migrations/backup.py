"""Consistent SQLite backups (online backup API) into <data dir>/backups, capped in count."""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from ..clock import utcnow

log = logging.getLogger(__name__)


def backup_sqlite(db_path: Path, backup_dir: Path, prefix: str, keep: int) -> Path:
    """Copy ``db_path`` to ``backup_dir/<prefix>-<utc stamp>.db``; keep the newest ``keep``."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{prefix}-{stamp}.db"
    source = sqlite3.connect(str(db_path))
    try:
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    log.info("backup=%s prefix=%s", target.name, prefix)
    prune(backup_dir, prefix, keep)
    return target


def prune(backup_dir: Path, prefix: str, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups with ``prefix``; return what was removed."""
    files = sorted(backup_dir.glob(f"{prefix}-*.db"))
    doomed = files[:-keep] if keep > 0 else files
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed

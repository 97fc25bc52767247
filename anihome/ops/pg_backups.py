"""Backups of a PostgreSQL household through ``pg_dump``, kept like the SQLite ones.

``make_pg_backup`` runs ``pg_dump --format=custom`` into ``.<name>.partial``, checks the
archive with ``pg_restore --list`` (it must read back and hold the table data), then renames
it to ``<family>-<UTC stamp>.dump`` in the same backups folder, where ``ops.backups`` lists
and prunes it with the same retention. Without ``pg_dump`` (Debian: the
``postgresql-client`` package) the run fails with a message that says so; nothing is
pruned. Restoring is ``ops.pg_restore`` (Admin → System, ``anihome backup restore NAME``).
The password travels in ``PGPASSWORD``, never on a command line others can read.
"""
from __future__ import annotations

import glob
import logging
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from ..clock import utcnow
from .backups import _STAMP_FORMAT, PARTIAL_SUFFIX, BackupError, BackupFile, parse_name, remove_stale_partials
from .diskspace import is_disk_full
from .integrity import Verdict, private_dir

log = logging.getLogger(__name__)

DUMP_SUFFIX = ".dump"
TIMEOUT_SECONDS = 3600
MISSING = ("pg_dump is not installed, so the PostgreSQL database cannot be backed up: install the "
           "PostgreSQL client tools (Debian: apt install postgresql-client, the same major version as "
           "the server or newer)")


def tool(name: str) -> str | None:
    """``pg_dump`` / ``pg_restore`` on PATH, else the newest in Debian's /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return candidates[-1] if candidates else None


def available() -> str | None:
    """None when backups can be made, else why not (shown on the admin page)."""
    return None if tool("pg_dump") and tool("pg_restore") else MISSING


def _split_password(url: str) -> tuple[str, dict]:
    """The URL without its password, and an environment carrying it."""
    env = dict(os.environ)
    parts = urlsplit(url)
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        user = parts.username or ""
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{user}@{host}" if user else host
        if parts.port:
            netloc += f":{parts.port}"
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    return url, env


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def verify_dump(path: Path, env: dict | None = None) -> Verdict:
    """Can ``pg_restore`` read the archive back, and does it hold table data? Never raises."""
    restore = tool("pg_restore")
    if restore is None:
        return Verdict(False, "pg_restore is not installed (Debian: apt install postgresql-client)")
    try:
        listed = _run([restore, "--list", str(path)], env or dict(os.environ))
    except (OSError, subprocess.SubprocessError) as exc:
        return Verdict(False, f"pg_restore could not run: {exc}")
    if listed.returncode != 0:
        return Verdict(False, f"pg_restore cannot read it: {_last_line(listed.stderr)}")
    if "TABLE DATA" not in listed.stdout:
        return Verdict(False, "the archive holds no table data")
    return Verdict(True, "ok")


def make_pg_backup(url: str, folder: Path, family: str) -> BackupFile:
    """Dump the PostgreSQL database at ``url`` into ``folder`` as a verified backup."""
    dump = tool("pg_dump")
    if dump is None:
        raise BackupError(MISSING)
    private_dir(folder)
    remove_stale_partials(folder)
    final = folder / f"{family}-{utcnow().strftime(_STAMP_FORMAT)}{DUMP_SUFFIX}"
    partial = folder / f".{final.name}{PARTIAL_SUFFIX}"
    target, env = _split_password(url)
    try:
        done = _run([dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
                     f"--dbname={target}"], env)
        if done.returncode != 0:
            full = "No space left on device" in done.stderr
            raise BackupError(f"pg_dump failed: {_last_line(done.stderr)}. The older backups were kept.",
                              disk_full=full)
        os.chmod(partial, 0o600)
        verdict = verify_dump(partial, env)
        if not verdict.ok:
            raise BackupError(f"the dump failed its check ({verdict.detail}). The older backups were kept.")
        os.replace(partial, final)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    except (OSError, subprocess.SubprocessError) as exc:
        partial.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise BackupError(f"disk full: no room for a backup in {folder}; free some space "
                              "(older backups were kept)", disk_full=True) from exc
        raise BackupError(f"the backup into {folder} failed: {exc}") from exc
    backup = parse_name(final)
    assert backup is not None
    log.info("backup=%s bytes=%s status=verified engine=postgresql", final.name, backup.size)
    return backup

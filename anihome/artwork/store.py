"""Poster files under <data dir>/posters, one per release, named after the source URL.

A stored poster is ``<root>/<id % 100>/<id>-<hash of the URL>.<ext>``: when Kodik gives a
release a new poster URL, the old file no longer matches and the new one is fetched. A
poster that could not be fetched leaves an empty ``.miss`` marker, so the job retries it only
after a while instead of on every run. The folder's total size is bounded by the caller
(``room_for``); nothing here touches the database.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

MIMETYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
MISS = "miss"


def url_key(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]


@dataclass
class PosterStore:
    root: Path
    max_total_bytes: int

    def _folder(self, release_id: int) -> Path:
        return self.root / f"{release_id % 100:02d}"

    def _stem(self, release_id: int, url: str) -> str:
        return f"{release_id}-{url_key(url)}"

    def find(self, release_id: int, url: str) -> tuple[Path, str] | None:
        """The stored file and its mimetype for this release's current poster URL, or None."""
        if not url:
            return None
        folder, stem = self._folder(release_id), self._stem(release_id, url)
        for ext, mimetype in MIMETYPES.items():
            path = folder / f"{stem}.{ext}"
            if path.is_file():
                return path, mimetype
        return None

    def missed_since(self, release_id: int, url: str) -> float | None:
        """When fetching this poster last failed (epoch seconds), or None."""
        try:
            return (self._folder(release_id) / f"{self._stem(release_id, url)}.{MISS}").stat().st_mtime
        except OSError:
            return None

    def record_miss(self, release_id: int, url: str) -> None:
        folder = self._folder(release_id)
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / f"{self._stem(release_id, url)}.{MISS}"
        marker.touch()
        os.utime(marker, (time.time(), time.time()))

    def save(self, release_id: int, url: str, data: bytes, ext: str) -> Path:
        """Store the poster (atomically) and drop older files of the same release."""
        folder = self._folder(release_id)
        folder.mkdir(parents=True, exist_ok=True)
        stem = self._stem(release_id, url)
        target = folder / f"{stem}.{ext}"
        temporary = folder / f".{stem}.{ext}.tmp"
        temporary.write_bytes(data)
        os.replace(temporary, target)
        for old in folder.glob(f"{release_id}-*"):
            if old != target:
                old.unlink(missing_ok=True)
        return target

    def total_bytes(self) -> int:
        """Bytes held by every stored poster."""
        total = 0
        if not self.root.is_dir():
            return 0
        for folder in os.scandir(self.root):
            if folder.is_dir():
                total += sum(entry.stat().st_size for entry in os.scandir(folder.path) if entry.is_file())
        return total

"""The session-signing key: from settings, else generated once into the data dir (mode 0600)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from .file_modes import private_dir


def load_or_create_secret_key(data_dir: str | Path) -> str:
    path = Path(data_dir) / "secret_key"
    if path.exists():
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
    private_dir(path.parent)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    os.chmod(path, 0o600)
    return key

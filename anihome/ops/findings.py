"""One line of ``anihome doctor``: a check's name, ``ok`` / ``warn`` / ``fail``, a message and the fix."""
from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("ok", "warn", "fail")


@dataclass(frozen=True)
class Finding:
    check: str
    level: str
    message: str
    fix: str = ""

"""Is the process that started a job run still that process?

``os.kill(pid, 0)`` only says *some* process has that pid: after a power cut the pid of the
old server is soon reused, and a stale ``running`` row would block its job forever. So a
run also records ``process_identity(pid)``: the kernel's boot id plus the process start time
(``/proc/<pid>/stat`` field 22). A run is live only when its pid exists and, where the
identity can be read, it is unchanged. Without ``/proc`` (not Linux) the pid check alone
stays, as before.
"""
from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def boot_id(proc: Path = PROC) -> str:
    try:
        return (proc / "sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def process_identity(pid: int, proc: Path = PROC) -> str | None:
    """``"<boot id>:<start time in clock ticks>"`` for ``pid``, None when it cannot be read."""
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: split after its last ")"
    fields = stat[stat.rfind(")") + 2:].split()
    if len(fields) < 20:
        return None
    return f"{boot_id(proc)}:{fields[19]}"


def pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def process_is(pid: int | None, identity: str | None, proc: Path = PROC) -> bool:
    """True when ``pid`` still runs and is the process that recorded ``identity``."""
    if pid is None or not pid_exists(pid):
        return False
    if identity is None:
        return True  # recorded before m0017, or on a system without /proc
    now = process_identity(pid, proc)
    return now is None or now == identity

"""``anihome doctor`` (check the install, say what to fix) and ``anihome systemd-unit``."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

_MARKS = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


def systemd_unit(settings, python: str, root: Path, user: str) -> str:
    """A systemd service for this install: this Python, this checkout, this data dir and user."""
    data_dir = settings["DATA_DIR"]
    return f"""[Unit]
Description=AniHome, a self-hosted anime hub
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User={user}
WorkingDirectory={root}
Environment=ANIHOME_DATA_DIR={data_dir}
ExecStart={python} {root / "run.py"}
# A refused start (damaged database, newer schema: exit status 2) waits for you, it does not loop.
Restart=on-failure
RestartSec=5
RestartPreventExitStatus=2
TimeoutStopSec=30
NoNewPrivileges=true
PrivateTmp=true
ProtectSystem=full
ProtectHome=read-only
ReadWritePaths={data_dir}
UMask=0077

[Install]
WantedBy=multi-user.target
"""


def register(cli: click.Group) -> None:
    @cli.command()
    @click.option("--full", is_flag=True, help="A full integrity_check of the database (slower than quick_check).")
    def doctor(full):
        """Check the data dir, free space, database, backups, Kodik token and clock; print what to fix."""
        from ..config import load_settings
        from ..ops.doctor import run_checks

        findings = run_checks(load_settings(), full=full)
        width = max(len(f.check) for f in findings)
        for finding in findings:
            click.echo(f"{_MARKS[finding.level]}  {finding.check.ljust(width)}  {finding.message}")
            if finding.fix:
                click.echo(f"      {''.ljust(width)}  fix: {finding.fix}")
        failed = [f for f in findings if f.level == "fail"]
        if failed:
            raise SystemExit(1)

    @cli.command("systemd-unit")
    @click.option("--user", "user", default=None, help="Account the service runs as (default: you).")
    def systemd_unit_command(user):
        """Print a systemd unit for this install (save it as /etc/systemd/system/anihome.service)."""
        from .. import ROOT
        from ..config import load_settings

        click.echo(systemd_unit(load_settings(), sys.executable, Path(ROOT), user or getpass.getuser()), nl=False)

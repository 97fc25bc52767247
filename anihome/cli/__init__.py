"""The ``anihome`` command line: one group, subcommands in one module per area."""
from __future__ import annotations

from importlib import import_module

import click

# Each module defines ``register(group)``; add one here to mount its commands.
CLI_MODULES = ("serve", "jobs", "users", "tokens", "sync", "backups", "ops", "household", "setup", "database")


def build_cli() -> click.Group:
    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="anihome")
    def cli() -> None:
        """AniHome: a self-hosted anime home hub."""

    for name in CLI_MODULES:
        import_module(f"{__name__}.{name}").register(cli)
    return cli


def main(argv: list[str] | None = None) -> None:
    """Run the command line; an unexpected error prints a plain line, its traceback goes to the log file."""
    try:
        build_cli()(args=argv, prog_name="anihome")
    except Exception as exc:  # click handles its own errors; anything else is explained, not dumped
        from ..config import load_settings
        from ..ops.explain import plain_lines

        try:
            data_dir = load_settings()["DATA_DIR"]
        except Exception:
            data_dir = None
        click.echo(plain_lines(exc, data_dir, "Error"), err=True)
        raise SystemExit(1) from None

"""The ``anihome`` command line: one group, subcommands in one module per area."""
from __future__ import annotations

from importlib import import_module

import click

# Each module defines ``register(group)``; add one here to mount its commands.
CLI_MODULES = ("serve", "jobs", "users", "tokens", "sync")


def build_cli() -> click.Group:
    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="anihome")
    def cli() -> None:
        """AniHome: a self-hosted anime home hub."""

    for name in CLI_MODULES:
        import_module(f"{__name__}.{name}").register(cli)
    return cli


def main(argv: list[str] | None = None) -> None:
    build_cli()(args=argv, prog_name="anihome")

"""Shared plumbing for commands: build the app, migrate, and run inside its context."""
from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from ..config import ConfigError


@contextmanager
def app_context(migrate: bool = True):
    """Yield a migrated app inside an app context with an open database connection."""
    from .. import create_app
    from ..serving.startup import StartupError, prepare_database

    try:
        app = create_app()
        if migrate:
            prepare_database(app)
    except (ConfigError, StartupError) as exc:
        raise click.ClickException(str(exc)) from None
    database = app.extensions["anihome.db"]
    with app.app_context(), database.connection_context():
        yield app


def read_password(prompt: str = "Password") -> str:
    """A password from the terminal (asked twice) or from stdin (one line, or the same line twice)."""
    stdin = sys.stdin  # click.get_text_stream is deprecated in Click 8.3; CliRunner swaps sys.stdin too
    if stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    lines = [line.rstrip("\r\n") for line in stdin.read().splitlines() if line.strip()]
    if not lines:
        raise click.ClickException("no password given on standard input")
    if len(lines) >= 2 and lines[0] != lines[1]:
        raise click.ClickException("the two passwords on standard input differ")
    return lines[0]

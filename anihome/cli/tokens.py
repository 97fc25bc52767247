"""``anihome token create|list|revoke``: personal API tokens from the command line.

``token create`` prints only the token on standard output, so scripts can capture it:
``TOKEN=$(anihome token create alice --label kodi)``.
"""
from __future__ import annotations

import click

from ..dates import display


def _fmt(value) -> str:
    return display(value, empty="-")


def register(cli: click.Group) -> None:
    @cli.group()
    def token():
        """Create, list and revoke personal API tokens."""

    @token.command("create")
    @click.argument("name")
    @click.option("--label", default="", help="What the token is for, e.g. kodi (up to 60 characters).")
    def create(name, label):
        """Create an API token for member NAME and print it (shown only this once)."""
        from ..accounts import tokens
        from ..accounts.users import get_by_username
        from ..errors import AppError
        from .context import app_context

        with app_context():
            try:
                plaintext, _ = tokens.create(get_by_username(name), label)
            except AppError as exc:
                raise click.ClickException(exc.message) from None
        click.echo(plaintext)

    @token.command("list")
    @click.argument("name")
    @click.option("--all", "show_all", is_flag=True, help="Include revoked tokens.")
    def list_(name, show_all):
        """List member NAME's tokens: id, prefix, label, created, last used."""
        from ..accounts import tokens
        from ..accounts.users import get_by_username
        from ..errors import AppError
        from .context import app_context

        with app_context():
            try:
                found = tokens.list_for_user(get_by_username(name), include_revoked=show_all)
            except AppError as exc:
                raise click.ClickException(exc.message) from None
            rows = [(str(t.id), t.prefix + "…", t.label or "-", _fmt(t.created_at), _fmt(t.last_used_at),
                     "revoked" if t.revoked_at else "active") for t in found]
        header = ("ID", "PREFIX", "LABEL", "CREATED", "LAST USED", "STATE")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())

    @token.command("revoke")
    @click.argument("id_or_prefix")
    def revoke(id_or_prefix):
        """Revoke a token by its id or its prefix (as shown by ``token list``)."""
        from ..accounts import tokens
        from ..errors import AppError
        from .context import app_context

        with app_context():
            try:
                revoked = tokens.revoke(tokens.find(id_or_prefix.rstrip("…")))
            except AppError as exc:
                raise click.ClickException(exc.message) from None
            click.echo(f"revoked token {revoked.id} ({revoked.prefix}…) of {revoked.user.username}")

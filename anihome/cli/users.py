"""``anihome user create|list|set-password|disable|enable``: members from the command line.

The command line acts as the server operator: it may create owners and admins, but the
household rules still hold (names, passwords, never disabling the last owner).
"""
from __future__ import annotations

import click

from ..dates import display

ROLE_CHOICE = click.Choice(["member", "moderator", "admin", "owner"])


def _fail(exc) -> click.ClickException:
    return click.ClickException(exc.message)


def _fmt(value) -> str:
    return display(value, empty="-")


def register(cli: click.Group) -> None:
    @cli.group()
    def user():
        """Create, list, disable and enable members; set passwords."""

    @user.command("create")
    @click.argument("name")
    @click.option("--role", type=ROLE_CHOICE, default="member", show_default=True,
                  help="Role of the new member.")
    @click.option("--age-cap", type=click.IntRange(0, 21), default=None,
                  help="Hide titles rated above this age (years, 0-21).")
    def create(name, role, age_cap):
        """Create member NAME. The password is asked twice, or read from stdin (one line, or twice)."""
        from ..accounts.users import create_user
        from ..errors import AppError
        from .context import app_context, read_password

        password = read_password()
        with app_context():
            try:
                created = create_user(name, password, role, age_cap)
            except AppError as exc:
                raise _fail(exc) from None
        click.echo(f"created {created.role} {created.username}")

    @user.command("list")
    def list_():
        """List members: name, role, age cap, state, last sign-in."""
        from ..accounts.users import list_users
        from .context import app_context

        with app_context():
            rows = [(u.username, u.role, "-" if u.age_cap is None else str(u.age_cap),
                     "active" if u.is_active else "disabled", _fmt(u.last_login_at))
                    for u in list_users()]
        header = ("USERNAME", "ROLE", "AGE CAP", "STATE", "LAST SIGN-IN")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())

    @user.command("set-password")
    @click.argument("name")
    def set_password(name):
        """Set a new password for NAME (signs them out everywhere)."""
        from ..accounts.users import get_by_username, set_password as set_pw
        from ..errors import AppError
        from .context import app_context, read_password

        password = read_password("New password")
        with app_context():
            try:
                set_pw(None, get_by_username(name).id, password)
            except AppError as exc:
                raise _fail(exc) from None
        click.echo(f"password changed for {name}")

    def _set_active(name: str, active: bool) -> None:
        from ..accounts.users import get_by_username, set_active
        from ..errors import AppError
        from .context import app_context

        with app_context():
            try:
                changed = set_active(None, get_by_username(name).id, active)
            except AppError as exc:
                raise _fail(exc) from None
        click.echo(f"{'enabled' if active else 'disabled'} {changed.username}")

    @user.command("disable")
    @click.argument("name")
    def disable(name):
        """Disable NAME: they cannot sign in and are signed out everywhere."""
        _set_active(name, False)

    @user.command("enable")
    @click.argument("name")
    def enable(name):
        """Enable NAME again."""
        _set_active(name, True)

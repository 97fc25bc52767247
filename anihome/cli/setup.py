"""``anihome setup-code``: show the one-time code that first-run setup asks for."""
from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    @cli.command("setup-code")
    def setup_code_command():
        """Print the setup code for the first-run page (made now if there is none)."""
        from ..accounts import setup_code
        from ..accounts.setup import needs_setup
        from .context import app_context

        with app_context() as app:
            if not needs_setup():
                raise click.ClickException("setup is complete: this household already has an owner")
            code, _ = setup_code.ensure(app.config["DATA_DIR"])
        click.echo(setup_code.formatted(code))

"""config: a thin command over breeze.config.show."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("config")(config)


def config(
    ctx: typer.Context,
    json: bool = typer.Option(False, "--json", help="Print the settings as JSON on stdout."),
) -> int:
    """Show every effective setting and where it came from (option, environment, file, default)."""
    from breeze.config.show import ConfigRequest, show_config

    return show_config(ctx.obj, ConfigRequest(json=json))

"""breeze init: a thin command over breeze.scaffold."""

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("init")(init)


def init(
    ctx: typer.Context,
    directory: Path = typer.Argument(
        Path("."), metavar="[DIR]", help="The project directory (created if missing; default: here)."
    ),
    name: str | None = typer.Option(
        None, "--name", help="Project name (default: the directory's name, lower-cased)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite files that are already there."),
) -> int:
    """Start a project: DAGs, plugins, tests, breeze.toml, CI workflow (only adds missing files)."""
    from breeze.scaffold import InitRequest
    from breeze.scaffold import init as run_init

    return run_init(ctx.obj, InitRequest(directory=directory, name=name, force=force))

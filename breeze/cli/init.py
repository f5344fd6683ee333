"""breeze init: a thin command over breeze.scaffold (and breeze.adopt for an existing project)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from breeze.adopt import Conflict
    from breeze.context import AppContext


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
    airflow_version: str | None = typer.Option(
        None,
        "--airflow-version",
        help="Airflow version (default: what an existing project runs, else the latest breeze knows).",
    ),
    with_examples: bool = typer.Option(
        False,
        "--with-examples",
        help="In an existing Airflow project, add the example DAG, plugin and tests too.",
    ),
) -> int:
    """Start a project, or adopt the Airflow project already in DIR (only adds breeze's own files)."""
    from breeze.scaffold import InitRequest
    from breeze.scaffold import init as run_init

    request = InitRequest(
        directory=directory,
        name=name,
        force=force,
        airflow_version=airflow_version,
        with_examples=with_examples,
    )
    return run_init(ctx.obj, request, choose=lambda conflict: _ask(ctx.obj, conflict))


def _ask(app: AppContext, conflict: Conflict) -> str:
    """Two sources disagree: offer the first (the Dockerfile's), else each other value in turn."""
    from breeze.prompts import confirm

    what = conflict.field.replace("_", " ")
    found = ", ".join(f"{value} ({source})" for value, source in conflict.candidates)
    values = list(dict.fromkeys(value for value, _ in conflict.candidates))
    for value in values[:-1]:
        if confirm(app, f"The sources disagree on the {what}: {found}. Use {value}?", default=True):
            return value
    return values[-1]

"""upgrade-check: a thin command over breeze.upgrade."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command("upgrade-check")(upgrade_check)


def upgrade_check(
    ctx: typer.Context,
    airflow_version: str = typer.Option(
        ..., "--airflow-version", help="The Airflow release to check, e.g. 3.3.2."
    ),
    python: str | None = typer.Option(
        None, "--python", help="Python version of the candidate (default: the project's [python] default)."
    ),
    fix: bool = typer.Option(
        False, "--fix", help="Apply ruff's safe fixes for the new Airflow to the working tree."
    ),
) -> int:
    """Check whether the project is ready for another Airflow version: dependencies, code, tests."""
    from breeze.upgrade.params import UpgradeRequest
    from breeze.upgrade.run import upgrade_check as run

    return run(ctx.obj, UpgradeRequest(airflow_version=airflow_version, python=python, fix=fix))

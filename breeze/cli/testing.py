"""tests and static-checks: thin commands over breeze.testing."""

import typer

from breeze.cli.choices import Backend, Executor, MysqlVersion, PostgresVersion, complete_test_types
from breeze.cli.dev import (
    BACKEND,
    EXECUTOR,
    MYSQL_VERSION,
    PASSTHROUGH,
    POSTGRES_VERSION,
    PYTHON,
    passthrough_args,
    stack_request,
)


def register(app: typer.Typer) -> None:
    app.command("tests", context_settings=PASSTHROUGH)(tests)
    app.command("static-checks")(static_checks)


def tests(
    ctx: typer.Context,
    test_type: list[str] = typer.Option(
        [],
        "--type",
        "-t",
        metavar="TYPE[,TYPE]",
        autocompletion=complete_test_types,
        help="unit, dag-integrity, dag-run, lint, e2e or all (repeat or comma-separate).",
    ),
    dag_integrity: bool = typer.Option(False, "--dag-integrity", help="Shortcut for --type dag-integrity."),
    dag_run: str | None = typer.Option(
        None, "--dag-run", metavar="DAG_ID", help="Run this DAG for real and check every task's state."
    ),
    conf: str | None = typer.Option(None, "--conf", help="JSON object passed to the DAG run as its conf."),
    expect: list[str] = typer.Option(
        [],
        "--expect",
        metavar="TASK=STATE",
        help="A task's expected final state (default success; TASK may be a glob).",
    ),
    backend: Backend = BACKEND,
    executor: Executor = EXECUTOR,
    python: str | None = PYTHON,
    postgres_version: PostgresVersion = POSTGRES_VERSION,
    mysql_version: MysqlVersion = MYSQL_VERSION,
    production: bool = typer.Option(
        False, "--production", "--prod", help="e2e: run the production image the way the Helm chart does."
    ),
) -> int:
    """Run the project's tests, DAG integrity checks, a real DAG run or lint in the CI image (`-- ARGS` go to pytest)."""
    from breeze.testing.params import TestsRequest
    from breeze.testing.run import run_tests

    request = TestsRequest(
        stack=stack_request(
            backend=backend,
            executor=executor,
            python=python,
            postgres_version=postgres_version,
            mysql_version=mysql_version,
            production=production,
        ),
        types=tuple(test_type),
        dag_integrity=dag_integrity,
        dag_run=dag_run,
        conf=conf,
        expect=tuple(expect),
        pytest_args=passthrough_args(ctx),
    )
    return run_tests(ctx.obj, request)


def static_checks(ctx: typer.Context, python: str | None = PYTHON) -> int:
    """Lint the project in the CI image: ruff check, ruff format --check, hadolint (same as `tests --type lint`)."""
    from breeze.testing.params import TestsRequest
    from breeze.testing.run import run_tests

    return run_tests(ctx.obj, TestsRequest(stack=stack_request(python=python), types=("lint",)))

"""Local Airflow: shell, start-airflow, exec, ps, logs, down (thin commands over breeze.stack)."""

from typing import TYPE_CHECKING

import typer

from breeze.cli.choices import Backend, Component, Executor, MysqlVersion, PostgresVersion, complete_pythons
from breeze.stack import defaults

if TYPE_CHECKING:
    from breeze.stack.request import StackRequest

# Options shared by shell and start-airflow (Typer reads them from the defaults).
BACKEND = typer.Option(defaults.BACKEND, "--backend", "-b", help="Metadata database.")
EXECUTOR = typer.Option(
    defaults.EXECUTOR,
    "--executor",
    help="LocalExecutor (local) or CeleryExecutor (celery; needs postgres or mysql).",
)
PYTHON = typer.Option(
    None, "--python", autocompletion=complete_pythons, help="Python flavour of the CI image."
)
POSTGRES_VERSION = typer.Option(
    defaults.POSTGRES_VERSION, "--postgres-version", help="Version of the postgres service."
)
MYSQL_VERSION = typer.Option(defaults.MYSQL_VERSION, "--mysql-version", help="Version of the mysql service.")


# Arguments for the container come after `--` only: an unknown option is an error (with a "did
# you mean"), never a command run in the container.
PASSTHROUGH = {"allow_extra_args": True}


def register(app: typer.Typer) -> None:
    app.command("shell", context_settings=PASSTHROUGH)(shell)
    app.command("start-airflow")(start_airflow)
    app.command("exec", context_settings=PASSTHROUGH)(exec_)
    app.command("ps")(ps)
    app.command("logs")(logs)
    app.command("down")(down)


def passthrough_args(ctx: typer.Context) -> tuple[str, ...]:
    """What follows `--`, handed on as it is; anything else left over is a mistake."""
    from breeze.cli.argv import after_dashes
    from breeze.errors import ConfigError

    after = after_dashes() or ()
    extra = tuple(ctx.args)
    before = extra[: len(extra) - len(after)]
    if before:
        command = ctx.command_path
        raise ConfigError(
            f"Got unexpected argument(s) {' '.join(before)!r} for `{command}`.",
            fix=f"Put what is meant for the container after `--`: `{command} -- {' '.join(before)}`.",
        )
    return after


def stack_request(**values: object) -> "StackRequest":
    from breeze.stack.request import StackRequest

    # Each option is typed at its command; here they are passed on as the request's fields.
    return StackRequest(**{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]


def shell(
    ctx: typer.Context,
    command: str | None = typer.Option(
        None, "--command", "-c", help="Run this bash command and exit with its code."
    ),
    backend: Backend = BACKEND,
    executor: Executor = EXECUTOR,
    python: str | None = PYTHON,
    postgres_version: PostgresVersion = POSTGRES_VERSION,
    mysql_version: MysqlVersion = MYSQL_VERSION,
) -> int:
    """Open a bash shell in the CI image with the project mounted and the DB migrated (or run -c / -- CMD)."""
    from breeze.stack.stack import ShellRequest
    from breeze.stack.stack import shell as run_shell

    extra = passthrough_args(ctx)
    argv = ("bash", "-c", command) if command is not None else extra
    request = ShellRequest(
        stack=stack_request(
            backend=backend,
            executor=executor,
            python=python,
            postgres_version=postgres_version,
            mysql_version=mysql_version,
        ),
        command=argv,
    )
    return run_shell(ctx.obj, request)


def start_airflow(
    ctx: typer.Context,
    backend: Backend = BACKEND,
    executor: Executor = EXECUTOR,
    python: str | None = PYTHON,
    postgres_version: PostgresVersion = POSTGRES_VERSION,
    mysql_version: MysqlVersion = MYSQL_VERSION,
    api_port: int | None = typer.Option(
        None,
        "--api-port",
        help=f"Host port of the API server (default {defaults.API_PORT}, or a free one if taken).",
    ),
    flower: bool = typer.Option(False, "--flower", help="Also run flower (CeleryExecutor)."),
    flower_port: int | None = typer.Option(
        None, "--flower-port", help=f"Host port of flower (default {defaults.FLOWER_PORT})."
    ),
    detach: bool = typer.Option(
        False, "--detach", "-d", help="Return once healthy; leave the stack running."
    ),
    wait: int = typer.Option(
        defaults.WAIT_SECONDS, "--wait", min=10, help="Seconds to wait for a healthy Airflow."
    ),
    production: bool = typer.Option(
        False,
        "--production",
        "--prod",
        help="Run the production image (DAGs baked in, nothing mounted) the way the Helm chart does.",
    ),
) -> int:
    """Run Airflow (API server, scheduler, dag-processor, triggerer, Celery worker) with the project mounted."""
    from breeze.stack.stack import start_airflow as run_start

    request = stack_request(
        backend=backend,
        executor=executor,
        python=python,
        postgres_version=postgres_version,
        mysql_version=mysql_version,
        api_port=api_port,
        flower=flower,
        flower_port=flower_port,
        detach=detach,
        wait_seconds=wait,
        production=production,
    )
    return run_start(ctx.obj, request)


def exec_(
    ctx: typer.Context,
    service: str = typer.Option("scheduler", "--service", "-s", help="The running component to enter."),
) -> int:
    """Enter a running stack (bash, or the command after --)."""
    from breeze.stack.stack import exec_ as run_exec

    extra = passthrough_args(ctx)
    return run_exec(ctx.obj, service, extra)


def ps(
    ctx: typer.Context,
    json: bool = typer.Option(
        False, "--json", help="Print the stack's services, URL and login as one JSON object on stdout."
    ),
) -> int:
    """Show the stack's containers, their state, health and ports, and the URL and login of Airflow."""
    from breeze.stack.status import ps as run_ps

    return run_ps(ctx.obj, as_json=json)


def logs(
    ctx: typer.Context,
    component: Component | None = typer.Argument(None, help="The component (default: all of them)."),
    follow: bool = typer.Option(False, "--follow", "-f", help="Keep streaming new lines."),
) -> int:
    """Show the stack's logs (of one component, or all)."""
    from breeze.stack.stack import logs as run_logs

    return run_logs(ctx.obj, component, follow)


def down(
    ctx: typer.Context,
    volumes: bool = typer.Option(
        False, "--volumes", help="Also delete the database and log volumes (asks first)."
    ),
) -> int:
    """Stop and remove the stack's containers; the database volume is kept unless --volumes."""
    from breeze.stack.stack import down as run_down

    return run_down(ctx.obj, volumes)

"""Local Airflow stacks on docker compose: shell, start-airflow, exec, logs, down (`ps`: status.py).

Each command is a short pipeline over an already loaded config: check the request -> prepare
(breeze.stack.prepare) -> compose (breeze.stack.lifecycle) -> wait (breeze.stack.wait) -> report;
whatever a failed or interrupted start created is taken down again."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

from breeze.compose import ComposeProject
from breeze.config import ProjectConfig, load_project
from breeze.context import AppContext
from breeze.errors import ConfigError, EngineCommandFailed, StackError
from breeze.stack.lifecycle import compose_up, take_down, to_terminal
from breeze.stack.params import ADMIN_USER, StackParams, compose_project_name
from breeze.stack.prepare import Prepared, prepare
from breeze.stack.production import MIGRATION_JOB
from breeze.stack.request import ShellRequest, StackRequest, check_request
from breeze.stack.secrets import load_or_create
from breeze.stack.state import StackState, read_state
from breeze.stack.wait import wait_healthy

__all__ = [
    "ShellRequest",
    "StackError",
    "StackRequest",
    "down",
    "exec_",
    "logs",
    "shell",
    "start_airflow",
]


def _prepare(ctx: AppContext, request: StackRequest, *, components: bool) -> Prepared:
    checked = check_request(request)
    return prepare(ctx, load_project(ctx.project_dir), checked, components=components)


def start_airflow(ctx: AppContext, request: StackRequest) -> int:
    prepared = _prepare(ctx, request, components=True)
    # On podman breeze runs the containers' healthchecks for as long as it keeps the stack
    # (breeze.podmanhealth); with --detach podman's last recorded health stays until the next check.
    with prepared.project.keep_healthchecks():
        return _start(ctx, request, prepared)


def _start(ctx: AppContext, request: StackRequest, prepared: Prepared) -> int:
    params, project = prepared.params, prepared.project
    ctx.console.print(
        f"Starting Airflow {params.config.airflow_version} ({params.effective_executor}, {params.backend}) "
        f"for {params.config.name}: {', '.join(params.components())}"
    )
    started = time.monotonic()
    try:
        compose_up(project, ctx.console)
        if ctx.dry_run:
            return 0
        wait_healthy(ctx, project, params, request.wait_seconds)
    except BaseException:
        # Ctrl-C or a failed start: leave nothing running (volumes stay).
        ctx.console.print("Start did not complete: stopping the stack (data volumes are kept).")
        take_down(project, volumes=False)
        raise
    _report_started(ctx, params, time.monotonic() - started)
    if request.detach:
        return 0
    ctx.console.print(
        "Streaming logs; Ctrl-C stops the stack (`breeze start-airflow --detach` keeps it running)."
    )
    try:
        to_terminal(project.stream_logs(follow=True))
    except KeyboardInterrupt:
        pass
    finally:
        ctx.console.print("Stopping the stack (data volumes are kept)...")
        take_down(project, volumes=False)
    return 0


def _report_started(ctx: AppContext, params: StackParams, seconds: float) -> None:
    url = f"http://127.0.0.1:{params.api_port}"
    password = load_or_create(params.config.root).admin_password
    ctx.console.print(f"[bold green]Airflow is up[/] in {seconds:.0f} s: [bold]{url}[/]")
    ctx.console.print(f"Login: [bold]{ADMIN_USER}[/] / [bold]{password}[/]")
    ctx.console.print(
        f"The production image {params.prod_image}: its DAGs are baked in (`breeze build-image --production` "
        "after an edit). `breeze logs`, `breeze ps`, `breeze exec`, `breeze down`."
        if params.production
        else "DAG edits in dags/ show up within seconds. `breeze logs`, `breeze ps`, `breeze exec`, `breeze down`."
    )


def shell(ctx: AppContext, request: ShellRequest) -> int:
    prepared = _prepare(ctx, request.stack, components=False)
    params, project = prepared.params, prepared.project
    running_before = bool(project.ps()) if not ctx.dry_run else False
    command = list(request.command) or ["bash"]
    try:
        if not request.command:
            _banner(ctx, params)
            project.run("airflow", command, tty=ctx.interactive)
        else:
            to_terminal(project.stream_run("airflow", command))
    except EngineCommandFailed as exc:
        return exc.return_code
    finally:
        if not running_before and not ctx.dry_run:
            take_down(project, volumes=False)
    return 0


def _banner(ctx: AppContext, params: StackParams) -> None:
    home = params.config.airflow_home
    by_hand = (
        "`airflow webserver -p 8080`, `airflow scheduler`"
        if params.airflow2
        else "`airflow api-server -p 8080`, `airflow scheduler`, `airflow dag-processor`"
    )
    ctx.console.print(
        f"[bold]breeze shell[/] — {params.config.name}, Airflow {params.config.airflow_version}, "
        f"{params.executor}, {params.backend}\n"
        f"  project folders mounted at {home}/ ({', '.join(params.config.folders)}, tests)\n"
        f"  run components by hand: {by_hand}; or use `breeze start-airflow`\n"
        f"  `exit` leaves the shell (the database volume is kept)"
    )


@dataclass(frozen=True)
class Existing:
    """The stack a previous command started for this project (its files and settings)."""

    config: ProjectConfig
    state: StackState
    project: ComposeProject


def existing_stack(ctx: AppContext) -> Existing | None:
    config = load_project(ctx.project_dir)
    state = read_state(config)
    if state is None:
        return None
    ctx.engine.require(compose=True)
    name = compose_project_name(config)
    return Existing(
        config, state, ctx.engine.compose_project(name, state["files"], state["env_file"], state["profiles"])
    )


def exec_(ctx: AppContext, service: str, command: tuple[str, ...]) -> int:
    found = existing_stack(ctx)
    running = found.project.running_services() if found else []
    if not found or service not in running:
        raise StackError(
            f"No running `{service}` container for this project.",
            fix="Start the stack with `breeze start-airflow --detach`"
            + (f" (running: {', '.join(running)})" if running else "")
            + ".",
        )
    try:
        output = found.project.execute(service, list(command) or ["bash"], tty=ctx.interactive)
    except EngineCommandFailed as exc:
        to_terminal([("stdout", exc.stdout.encode()), ("stderr", exc.stderr.encode())])
        return exc.return_code
    if output:
        print(output)
    return 0


def logs(ctx: AppContext, component: str | None, follow: bool) -> int:
    found = existing_stack(ctx)
    if not found:
        raise StackError("No stack has been started for this project.", fix="Run `breeze start-airflow`.")
    known = [*found.state["components"], "airflow-init", MIGRATION_JOB, "postgres", "mysql", "redis"]
    if component and component not in known:
        raise ConfigError(f"Unknown component {component!r}.", fix=f"Use one of {', '.join(known)}.")
    with contextlib.suppress(KeyboardInterrupt):
        to_terminal(found.project.stream_logs([component] if component else [], follow=follow))
    return 0


def down(ctx: AppContext, volumes: bool) -> int:
    found = existing_stack(ctx)
    if not found:
        ctx.console.print("No stack has been started for this project: nothing to stop.")
        return 0
    name = found.config.name
    if volumes and not ctx.confirm(
        f"Delete the database and log volumes of {name}? Their data is lost.", default=False
    ):
        ctx.console.print("Keeping the volumes; stopping the containers only.")
        volumes = False
    take_down(found.project, volumes=volumes)
    kept = "" if volumes else " (database volume kept; `breeze down --volumes` deletes it)"
    ctx.console.print(f"Stopped the stack of {name}{kept}.")
    return 0

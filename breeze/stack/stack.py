"""Local Airflow stacks on docker compose: shell, start-airflow, exec, ps, logs, down.

Each command is a short pipeline: prepare the params (image, secrets, settings, ports, files) ->
compose -> wait -> report; whatever a failed or interrupted start created is taken down again."""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from breeze.config import ProjectConfig, load_project, select_python
from breeze.context import AppContext
from breeze.errors import BreezeError, ConfigError
from breeze.paths import cache_dir
from breeze.stack.params import (
    ADMIN_USER,
    DEFAULT_API_PORT,
    DEFAULT_FLOWER_PORT,
    DEFAULT_MYSQL,
    DEFAULT_POSTGRES,
    MYSQL_VERSIONS,
    POSTGRES_VERSIONS,
    Backend,
    Executor,
    StackParams,
    check_stack,
    check_version,
    compose_project_name,
    parse_backend,
    parse_executor,
)
from breeze.stack.production import MIGRATION_JOB, check_production

if TYPE_CHECKING:
    from python_on_whales import DockerClient

DEFAULT_WAIT = 300


class StackError(BreezeError):
    exit_code = 6


@dataclass(frozen=True)
class StackRequest:
    backend: str = "sqlite"
    executor: str = "LocalExecutor"
    python: str | None = None
    postgres_version: str = DEFAULT_POSTGRES
    mysql_version: str = DEFAULT_MYSQL
    api_port: int | None = None
    flower: bool = False
    flower_port: int | None = None
    detach: bool = False
    wait_seconds: int = DEFAULT_WAIT
    production: bool = False


@dataclass(frozen=True)
class ShellRequest:
    stack: StackRequest
    command: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Preparing a stack
# --------------------------------------------------------------------------------------------


def stack_dir(project_name: str) -> Path:
    return cache_dir() / "stacks" / project_name


def prepare(
    ctx: AppContext,
    request: StackRequest,
    *,
    components: bool,
    run_id: str = "",
    test_mounts: tuple[str, ...] = (),
) -> tuple[StackParams, DockerClient]:
    from breeze.images.ensure import ensure_image
    from breeze.offline import registry
    from breeze.stack import ports
    from breeze.stack.secrets import load_or_create
    from breeze.stack.settings import load_settings

    backend, executor, postgres_version, mysql_version = check_request(request)
    config = load_project(ctx.project_dir)
    if request.production:
        backend = check_production(config, backend, flower=request.flower)
    if not (config.root / "dags").is_dir():
        raise ConfigError(
            f"The project {config.root} has no dags/ folder.",
            fix="Create dags/ with your DAG files (breeze mounts it into Airflow).",
        )
    check_stack(config, backend, executor)
    _check_extras(config, backend, executor)
    python = select_python(config, request.python)
    settings = load_settings(config.root)
    for warning in settings.warnings:
        ctx.console.print(f"[yellow]Warning:[/] {warning}")
    ctx.engine.require(compose=True)

    taken: set[int] = set()
    api = ports.PortChoice(0)
    flower = ports.PortChoice(0)
    if components:
        api = ports.choose("API server", "--api-port", request.api_port, DEFAULT_API_PORT, taken)
        taken.add(api.port)
        if request.flower:
            flower = ports.choose("flower", "--flower-port", request.flower_port, DEFAULT_FLOWER_PORT, taken)
        for choice, name, option in ((api, "API server", "--api-port"), (flower, "flower", "--flower-port")):
            if choice.moved_from:
                ctx.console.print(
                    f"Port {choice.moved_from} ({name}) is taken; using {choice.port} instead "
                    f"({option} chooses one)."
                )

    image = ensure_image(ctx, config, "prod" if request.production else "ci", python)
    secrets = load_or_create(config.root)
    name = compose_project_name(config, run_id)
    directory = stack_dir(name)
    params = StackParams(
        config=config,
        ci_image="" if request.production else image,
        prod_image=image if request.production else "",
        backend=backend,
        executor=executor,
        postgres_image=registry.service_image("postgres", postgres_version) or f"postgres:{postgres_version}",
        mysql_image=f"mysql:{mysql_version}",
        redis_image=registry.service_image("redis", "7") or "redis:7.2-bookworm",
        api_port=api.port or DEFAULT_API_PORT,
        flower_port=flower.port or DEFAULT_FLOWER_PORT,
        flower=request.flower,
        secrets_dir=secrets.path.parent,
        stack_dir=directory,
        fernet_key=secrets.fernet_key,
        jwt_secret=secrets.jwt_secret,
        api_secret_key=secrets.api_secret_key,
        settings_env=settings.airflow_env(),
        run_id=run_id,
        test_mounts=test_mounts,
    )
    _write_files(params, secrets.admin_password, settings.pools_import_json())
    client = ctx.engine.compose(
        [str(f) for f in params.compose_files()],
        params.project_name,
        str(directory / "compose.env"),
        params.profiles(components=components),
    )
    return params, client


def check_request(request: StackRequest) -> tuple[Backend, Executor, str, str]:
    """The options' values, checked before anything is created."""
    return (
        parse_backend(request.backend),
        parse_executor(request.executor),
        check_version("--postgres-version", request.postgres_version, POSTGRES_VERSIONS),
        check_version("--mysql-version", request.mysql_version, MYSQL_VERSIONS),
    )


_NEEDED_EXTRAS = {"postgres": "postgres", "mysql": "mysql", "CeleryExecutor": "celery"}


def _check_extras(config: ProjectConfig, backend: str, executor: str) -> None:
    """The driver or provider a backend/executor needs must be in the image, or the start fails
    minutes later in a container log."""
    lines = config.requirements.read_text().splitlines() if config.requirements else []
    names = {_requirement_name(line) for line in [*lines, *config.python_deps]}
    for need in (backend, executor):
        extra = _NEEDED_EXTRAS.get(need)
        if extra is None or extra in config.airflow_extras:
            continue
        if f"apache-airflow-providers-{extra}" in names:
            continue
        raise ConfigError(
            f"{need} needs Airflow's `{extra}` extra, which {config.config_file.name} does not list.",
            fix=f'Add "{extra}" to [airflow] extras (the CI image is rebuilt), or choose another '
            f"{'backend' if need == backend else 'executor'}.",
        )


def _requirement_name(line: str) -> str:
    """The normalised project name of a requirements line ('' for comments and options)."""
    match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line.split("#", 1)[0])
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


def _write_files(params: StackParams, admin_password: str, pools_json: str | None) -> None:
    """Everything compose reads for this stack, in the user cache, private to the user."""
    directory = params.stack_dir
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    _private(directory / "compose.env", _env_text(params.compose_env()), 0o600)
    # Group 0 may read what containers read: they run as the host UID, or as 50000, in group 0.
    _private(directory / "airflow.env", _env_text(params.airflow_env()), 0o640)
    _private(directory / "pools.json", pools_json or "", 0o644)
    _private(directory / "mounts.yaml", params.mounts_yaml(), 0o644)
    _private(params.secrets_dir / "passwords.json", json.dumps({ADMIN_USER: admin_password}), 0o660)
    if params.production:
        # The production image runs as its own UID, not the host user's: its copy of the users file
        # must be open to it; the stack folder (0700) keeps other host users out.
        _private(directory / "passwords.json", json.dumps({ADMIN_USER: admin_password}), 0o666)
    state = {
        "files": [str(f) for f in params.compose_files()],
        "env_file": str(directory / "compose.env"),
        "backend": params.backend,
        "executor": params.executor,
        "api_port": params.api_port,
        "components": params.components(),
        "profiles": params.profiles(components=True),
        "production": params.production,
    }
    _private(directory / "state.json", json.dumps(state, indent=2), 0o600)


def _env_text(env: dict[str, str]) -> str:
    # compose env files take values literally after `=`: no quoting, one variable per line.
    lines = []
    for key, value in env.items():
        if "\n" in value:
            raise ConfigError(f"{key} holds a line break; compose env files cannot carry it.")
        lines.append(f"{key}={value}")
    return "\n".join(lines) + "\n"


def _private(path: Path, text: str, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    path.chmod(mode)


def existing_stack(ctx: AppContext) -> tuple[ProjectConfig, dict, DockerClient] | None:
    """The stack a previous command started for this project (its files and settings), if any."""
    config = load_project(ctx.project_dir)
    directory = stack_dir(compose_project_name(config))
    state_file = directory / "state.json"
    if not state_file.is_file():
        return None
    state = json.loads(state_file.read_text())
    ctx.engine.require(compose=True)
    client = ctx.engine.compose(
        state["files"], compose_project_name(config), state["env_file"], state["profiles"]
    )
    return config, state, client


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


def start_airflow(ctx: AppContext, request: StackRequest) -> int:
    params, client = prepare(ctx, request, components=True)
    url = f"http://127.0.0.1:{params.api_port}"
    ctx.console.print(
        f"Starting Airflow {params.config.airflow_version} ({params.effective_executor}, {params.backend}) "
        f"for {params.config.name}: {', '.join(params.components())}"
    )
    started = time.monotonic()
    try:
        compose_up(client)
        if ctx.dry_run:
            return 0
        wait_healthy(ctx, client, params, request.wait_seconds)
    except BaseException:
        # Ctrl-C or a failed start: leave nothing running (volumes stay).
        ctx.console.print("Start did not complete: stopping the stack (data volumes are kept).")
        take_down(client, volumes=False)
        raise
    _report_started(ctx, params, url, time.monotonic() - started)
    if request.detach:
        return 0
    ctx.console.print(
        "Streaming logs; Ctrl-C stops the stack (`breeze start-airflow --detach` keeps it running)."
    )
    try:
        for source, line in client.compose.logs(follow=True, stream=True):
            os.write(1 if source == "stdout" else 2, line)
    except KeyboardInterrupt:
        pass
    finally:
        ctx.console.print("Stopping the stack (data volumes are kept)...")
        take_down(client, volumes=False)
    return 0


_PULL_FAILED = (
    "pull access denied",
    "no such host",
    "failed to resolve",
    "manifest unknown",
    "not found: manifest",
)


def compose_up(client: DockerClient) -> None:
    from python_on_whales.exceptions import DockerException

    try:
        client.compose.up(detach=True, remove_orphans=True, quiet=True)
    except DockerException as exc:
        raise compose_failure(exc, "docker compose could not start the stack.") from None


def compose_failure(exc: Exception, message: str) -> StackError:
    """A compose command failed: say whether an image could not be pulled (the usual cause here)."""
    raw = getattr(exc, "stderr", None)
    stderr = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw or "")
    if any(marker in stderr for marker in _PULL_FAILED):
        return StackError(
            "A service image cannot be pulled: no container registry answers.",
            fix="Run `breeze setup offline-images` for the postgres and redis stand-ins. MySQL has no "
            "offline stand-in (Debian ships only MariaDB, which Airflow does not support): use "
            "--backend postgres here, or run where a registry answers.",
            details=stderr.strip(),
        )
    return StackError(
        message,
        fix="Read compose's message above (a project compose.override.yaml may be at fault).",
        details=stderr.strip(),
    )


def _report_started(ctx: AppContext, params: StackParams, url: str, seconds: float) -> None:
    from breeze.stack.secrets import load_or_create

    password = load_or_create(params.config.root).admin_password
    ctx.console.print(f"[bold green]Airflow is up[/] in {seconds:.0f} s: [bold]{url}[/]")
    ctx.console.print(f"Login: [bold]{ADMIN_USER}[/] / [bold]{password}[/]")
    ctx.console.print(
        f"The production image {params.prod_image}: its DAGs are baked in (`breeze build-image --production` "
        "after an edit). `breeze logs`, `breeze ps`, `breeze exec`, `breeze down`."
        if params.production
        else "DAG edits in dags/ show up within seconds. `breeze logs`, `breeze ps`, `breeze exec`, `breeze down`."
    )


def wait_healthy(ctx: AppContext, client: DockerClient, params: StackParams, timeout: int) -> None:
    """Poll the API's health endpoint until every component reports healthy; fail early when a
    service exits, and after ``timeout`` seconds, with the logs of what did not come up."""
    from breeze.stack.health import component_health, is_healthy

    url = f"http://127.0.0.1:{params.api_port}{params.health_path}"
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    status = ctx.console.status("Waiting for Airflow to become healthy") if ctx.console.is_terminal else None
    if status:
        status.start()
    last_state = ""
    last_print = 0.0
    try:
        while True:
            health = component_health(url)
            if is_healthy(health):
                return
            state = (
                ", ".join(f"{name}: {value}" for name, value in sorted(health.items())) or "API not answering"
            )
            elapsed = time.monotonic() - started
            if status:
                status.update(f"Waiting for Airflow ({elapsed:.0f} s): {state}")
            elif state != last_state or elapsed - last_print >= 10:
                ctx.console.print(f"  {elapsed:5.0f} s  {state}")
                last_print = elapsed
            last_state = state
            dead = _exited_services(ctx, client, params)
            if dead:
                raise StackError(
                    f"{', '.join(dead)} stopped while Airflow was starting.",
                    fix="Read its log above; fix the cause and run start-airflow again.",
                    details=_logs(client, dead),
                )
            if time.monotonic() > deadline:
                raise StackError(
                    f"Airflow was not healthy after {timeout} s ({state}).",
                    fix="Read the logs above; raise --wait if the machine is slow.",
                    details=_logs(client, params.components()),
                )
            time.sleep(1)
    finally:
        if status:
            status.stop()


def _exited_services(ctx: AppContext, client: DockerClient, params: StackParams) -> list[str]:
    from python_on_whales.exceptions import DockerException

    from breeze.engine import ENGINE_FIX
    from breeze.errors import EngineError

    jobs = {"airflow-init", MIGRATION_JOB}
    wanted = set(params.components()) | jobs
    dead = []
    try:
        containers = client.compose.ps(all=True)
    except DockerException as exc:
        if not ctx.engine.answers():
            raise EngineError(
                "The container engine stopped answering while Airflow was starting.", fix=ENGINE_FIX
            ) from None
        raise StackError("docker compose could not list the stack.", details=str(exc)) from None
    for container in containers:
        service = container.config.labels.get("com.docker.compose.service", "")
        if service not in wanted:
            continue
        state = container.state
        if service in jobs:
            if state.status == "exited" and state.exit_code != 0:
                dead.append(service)
        elif state.status in ("exited", "dead") or state.restarting or (container.restart_count or 0) > 0:
            # A component never restarts during a healthy start: a restart is a crash loop.
            dead.append(service)
    return dead


def _logs(client: DockerClient, services: list[str]) -> str:
    try:
        return str(client.compose.logs(services=services, tail="40"))
    except Exception as exc:  # the logs are a courtesy; the error that follows is what matters
        return f"(could not read logs: {exc})"


def take_down(client: DockerClient, *, volumes: bool) -> None:
    from python_on_whales.exceptions import DockerException

    with contextlib.suppress(DockerException):
        client.compose.down(remove_orphans=True, volumes=volumes, quiet=True)


def shell(ctx: AppContext, request: ShellRequest) -> int:
    from python_on_whales.exceptions import DockerException

    params, client = prepare(ctx, request.stack, components=False)
    running_before = bool(client.compose.ps()) if not ctx.dry_run else False
    command = list(request.command) or ["bash"]
    interactive = not request.command
    if interactive:
        _banner(ctx, params)
    try:
        if interactive:
            client.compose.run("airflow", command, tty=ctx.interactive, remove=True)
            return 0
        code = 0
        try:
            for source, chunk in client.compose.run("airflow", command, tty=False, remove=True, stream=True):
                os.write(1 if source == "stdout" else 2, chunk)
        except DockerException as exc:
            code = exc.return_code
        return code
    except DockerException as exc:
        return exc.return_code
    finally:
        if not running_before and not ctx.dry_run:
            take_down(client, volumes=False)


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


def exec_(ctx: AppContext, service: str, command: tuple[str, ...]) -> int:
    from python_on_whales.exceptions import DockerException

    found = existing_stack(ctx)
    running = _running_services(found[2]) if found else []
    if not found or service not in running:
        raise StackError(
            f"No running `{service}` container for this project.",
            fix="Start the stack with `breeze start-airflow --detach`"
            + (f" (running: {', '.join(running)})" if running else "")
            + ".",
        )
    _, _, client = found
    try:
        output = client.compose.execute(service, list(command) or ["bash"], tty=ctx.interactive)
    except DockerException as exc:
        for stream, text in ((1, exc.stdout), (2, exc.stderr)):
            if text:
                os.write(stream, text if isinstance(text, bytes) else str(text).encode())
        return exc.return_code
    if output:
        print(output)
    return 0


def _running_services(client: DockerClient) -> list[str]:
    return sorted(
        c.config.labels.get("com.docker.compose.service", "") for c in client.compose.ps() if c.state.running
    )


def ps(ctx: AppContext) -> int:
    from rich.table import Table

    found = existing_stack(ctx)
    if not found:
        ctx.console.print("No stack has been started for this project.")
        return 0
    client = found[2]
    table = Table(show_edge=False)
    for column in ("service", "state", "health", "ports"):
        table.add_column(column)
    containers = client.compose.ps(all=True)
    for container in sorted(containers, key=lambda c: c.config.labels.get("com.docker.compose.service", "")):
        service = container.config.labels.get("com.docker.compose.service", "")
        health = container.state.health.status if container.state.health else ""
        ports = ", ".join(
            f"{b.get('HostIp')}:{b.get('HostPort')}->{port}"
            for port, bindings in (container.network_settings.ports or {}).items()
            for b in (bindings or [])
        )
        table.add_row(service, container.state.status or "", health or "", ports)
    if not containers:
        ctx.console.print("The stack is not running.")
        return 0
    from rich.console import Console

    Console().print(table)
    return 0


def logs(ctx: AppContext, component: str | None, follow: bool) -> int:
    found = existing_stack(ctx)
    if not found:
        raise StackError("No stack has been started for this project.", fix="Run `breeze start-airflow`.")
    _, state, client = found
    services = [component] if component else []
    known = [*state["components"], "airflow-init", MIGRATION_JOB, "postgres", "mysql", "redis"]
    if component and component not in known:
        raise ConfigError(f"Unknown component {component!r}.", fix=f"Use one of {', '.join(known)}.")
    try:
        for source, line in client.compose.logs(services=services, follow=follow, stream=True):
            os.write(1 if source == "stdout" else 2, line)
    except KeyboardInterrupt:
        pass
    return 0


def down(ctx: AppContext, volumes: bool) -> int:
    found = existing_stack(ctx)
    if not found:
        ctx.console.print("No stack has been started for this project: nothing to stop.")
        return 0
    config, _, client = found
    if volumes and not ctx.confirm(
        f"Delete the database and log volumes of {config.name}? Their data is lost.", default=False
    ):
        ctx.console.print("Keeping the volumes; stopping the containers only.")
        volumes = False
    take_down(client, volumes=volumes)
    kept = "" if volumes else " (database volume kept; `breeze down --volumes` deletes it)"
    ctx.console.print(f"Stopped the stack of {config.name}{kept}.")
    return 0

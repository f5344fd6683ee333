"""Preparing a stack, as small steps over an already loaded config and a checked request: (production
checks) -> settings -> ports -> CI or production image -> secrets -> params -> files -> compose project."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from breeze.compose import ComposeProject
from breeze.config import ProjectConfig, select_python
from breeze.context import AppContext
from breeze.images.ensure import ensure_image
from breeze.offline import registry
from breeze.stack import defaults, ports
from breeze.stack.params import StackParams, compose_project_name
from breeze.stack.production import check_production
from breeze.stack.request import CheckedRequest, check_project
from breeze.stack.secrets import load_or_create
from breeze.stack.settings import Settings, load_settings
from breeze.stack.state import stack_dir, write_files


@dataclass(frozen=True)
class Ports:
    api: int = defaults.API_PORT
    flower: int = defaults.FLOWER_PORT


@dataclass(frozen=True)
class Prepared:
    params: StackParams
    project: ComposeProject


def prepare(
    ctx: AppContext,
    config: ProjectConfig,
    checked: CheckedRequest,
    *,
    components: bool,
    run_id: str = "",
    test_mounts: tuple[str, ...] = (),
) -> Prepared:
    """Everything up to a compose project that is ready to start (nothing started yet)."""
    checked = check_production_request(config, checked)
    check_project(config, checked)
    python = select_python(config, checked.request.python)
    settings = read_settings(ctx, config)
    ctx.engine.require(compose=True)
    chosen = choose_ports(ctx, checked) if components else Ports()
    production = checked.request.production
    image = ensure_image(ctx, config, "prod" if production else "ci", python)
    params = make_params(ctx, config, checked, settings, chosen, image, run_id, test_mounts)
    project = ctx.engine.compose_project(
        params.project_name,
        [str(f) for f in params.compose_files()],
        str(params.stack_dir / "compose.env"),
        params.profiles(components=components),
    )
    return Prepared(params, project)


def check_production_request(config: ProjectConfig, checked: CheckedRequest) -> CheckedRequest:
    """--production: the checks of a production stack, and its backend (always postgres)."""
    if not checked.request.production:
        return checked
    backend = check_production(config, checked.backend, flower=checked.request.flower)
    return replace(checked, backend=backend)


def read_settings(ctx: AppContext, config: ProjectConfig) -> Settings:
    settings = load_settings(config.root)
    for warning in settings.warnings:
        ctx.console.print(f"[yellow]Warning:[/] {warning}")
    return settings


def choose_ports(ctx: AppContext, checked: CheckedRequest) -> Ports:
    """The API server's (and flower's) host ports: a taken default moves, and says so."""
    request = checked.request
    taken: set[int] = set()
    api = ports.choose("API server", "--api-port", request.api_port, defaults.API_PORT, taken)
    taken.add(api.port)
    flower = ports.PortChoice(defaults.FLOWER_PORT)
    if request.flower:
        flower = ports.choose("flower", "--flower-port", request.flower_port, defaults.FLOWER_PORT, taken)
    for choice, name, option in ((api, "API server", "--api-port"), (flower, "flower", "--flower-port")):
        if choice.moved_from:
            ctx.console.print(
                f"Port {choice.moved_from} ({name}) is taken; using {choice.port} instead ({option} chooses one)."
            )
    return Ports(api=api.port, flower=flower.port)


def userns_mode(podman: bool, uid: int) -> str:
    """Rootless podman runs containers in a user namespace where the host user is container root
    and container UIDs are the user's subordinate IDs: `keep-id` maps the user to the same UID
    inside instead, as the containers' `user:` (the host user) expects. Rootful podman, like
    docker, needs nothing."""
    return "keep-id" if podman and uid != 0 else ""


def make_params(
    ctx: AppContext,
    config: ProjectConfig,
    checked: CheckedRequest,
    settings: Settings,
    chosen: Ports,
    image: str,
    run_id: str,
    test_mounts: tuple[str, ...],
) -> StackParams:
    """The stack's params (secrets made on first use), and the files compose reads written.
    ``image`` is the CI image, or the production image for a --production request."""
    secrets = load_or_create(config.root, dry_run=ctx.dry_run)
    postgres = checked.postgres_version
    params = StackParams(
        config=config,
        ci_image="" if checked.request.production else image,
        prod_image=image if checked.request.production else "",
        backend=checked.backend,
        executor=checked.executor,
        postgres_image=registry.service_image("postgres", postgres) or f"postgres:{postgres}",
        mysql_image=f"mysql:{checked.mysql_version}",
        redis_image=registry.service_image("redis", "7") or defaults.REDIS_IMAGE,
        api_port=chosen.api,
        flower_port=chosen.flower,
        flower=checked.request.flower,
        secrets_dir=secrets.path.parent,
        stack_dir=stack_dir(compose_project_name(config, run_id)),
        fernet_key=secrets.fernet_key,
        jwt_secret=secrets.jwt_secret,
        api_secret_key=secrets.api_secret_key,
        settings_env=settings.airflow_env(),
        run_id=run_id,
        test_mounts=test_mounts,
        userns_mode=userns_mode(ctx.engine.is_podman, os.getuid()),
    )
    write_files(params, secrets.admin_password, settings.pools_import_json(), dry_run=ctx.dry_run)
    return params

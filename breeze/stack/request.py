"""What a stack command was asked for, and the checks that run before anything is created:
the options' values, then what the project's config allows (dags/, Airflow version, extras)."""

from __future__ import annotations

from dataclasses import dataclass

from breeze.config import ProjectConfig
from breeze.errors import ConfigError
from breeze.stack import defaults
from breeze.stack.params import (
    MYSQL_VERSIONS,
    POSTGRES_VERSIONS,
    Backend,
    Executor,
    check_stack,
    check_version,
    parse_backend,
    parse_executor,
)


@dataclass(frozen=True)
class StackRequest:
    backend: str = defaults.BACKEND
    executor: str = defaults.EXECUTOR
    python: str | None = None
    postgres_version: str = defaults.POSTGRES_VERSION
    mysql_version: str = defaults.MYSQL_VERSION
    api_port: int | None = None
    flower: bool = False
    flower_port: int | None = None
    detach: bool = False
    wait_seconds: int = defaults.WAIT_SECONDS
    # --production: the production image, run as the Helm chart runs it (compose/production.yaml).
    production: bool = False


@dataclass(frozen=True)
class ShellRequest:
    stack: StackRequest
    command: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckedRequest:
    """A request whose option values passed their checks (typed: a Backend, an Executor)."""

    request: StackRequest
    backend: Backend
    executor: Executor
    postgres_version: str
    mysql_version: str


def check_request(request: StackRequest) -> CheckedRequest:
    """The options' values, checked before the config is read or anything is created."""
    return CheckedRequest(
        request=request,
        backend=parse_backend(request.backend),
        executor=parse_executor(request.executor),
        postgres_version=check_version("--postgres-version", request.postgres_version, POSTGRES_VERSIONS),
        mysql_version=check_version("--mysql-version", request.mysql_version, MYSQL_VERSIONS),
    )


def check_project(config: ProjectConfig, checked: CheckedRequest) -> None:
    """What the project must have for this stack: dags/ and a supported Airflow (the CI image
    carries the client extras of every backend and executor, so none is refused for a missing one)."""
    if not (config.root / "dags").is_dir():
        raise ConfigError(
            f"The project {config.root} has no dags/ folder.",
            fix="Create dags/ with your DAG files (breeze mounts it into Airflow).",
        )
    check_stack(config, checked.backend, checked.executor)

"""breeze ps: the stack's containers, and where and how to log in to the running Airflow; as a
table for people, or as one JSON object for scripts (``--json``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from rich.table import Table

from breeze.compose import ServiceContainer
from breeze.config import load_project
from breeze.context import AppContext
from breeze.stack.params import ADMIN_USER, compose_project_name
from breeze.stack.secrets import read_admin_password
from breeze.stack.stack import existing_stack
from breeze.terminal import make_console

UI_SERVICES = ("api-server", "webserver")


@dataclass(frozen=True)
class ServiceStatus:
    service: str
    state: str
    health: str
    ports: list[str]


@dataclass(frozen=True)
class StackStatus:
    project: str
    compose_project: str
    services: list[ServiceStatus]
    url: str | None  # only while the API server (Airflow 2: webserver) runs
    username: str | None
    password: str | None

    def as_json(self) -> dict[str, Any]:
        login = {"username": self.username, "password": self.password} if self.url else None
        return {
            "project": self.project,
            "compose_project": self.compose_project,
            "running": any(s.state == "running" for s in self.services),
            "url": self.url,
            "login": login,
            "services": [asdict(s) for s in self.services],
        }


def _service(container: ServiceContainer) -> ServiceStatus:
    ports = [str(binding) for binding in container.ports]
    return ServiceStatus(container.service, container.status, container.health, ports)


def status(ctx: AppContext) -> StackStatus:
    config = load_project(ctx.project_dir)
    name = compose_project_name(config)
    found = existing_stack(ctx)
    if not found:
        return StackStatus(config.name, name, [], None, None, None)
    services = sorted((_service(c) for c in found.project.ps(all=True)), key=lambda s: s.service)
    serving = any(s.service in UI_SERVICES and s.state == "running" for s in services)
    api_port = found.state.get("api_port")
    url = f"http://127.0.0.1:{api_port}" if serving and api_port else None
    password = read_admin_password(config.root) if url else None
    return StackStatus(config.name, name, services, url, ADMIN_USER if url else None, password)


def ps(ctx: AppContext, *, as_json: bool = False) -> int:
    current = status(ctx)
    if as_json:
        print(json.dumps(current.as_json(), indent=2))
        return 0
    if not current.services:
        ctx.console.print("No stack is running for this project (`breeze start-airflow` starts one).")
        return 0
    table = Table(show_edge=False)
    for column in ("service", "state", "health", "ports"):
        table.add_column(column)
    for service in current.services:
        table.add_row(service.service, service.state, service.health, ", ".join(service.ports))
    make_console(stderr=False).print(table)
    if current.url:
        ctx.console.print(
            f"Airflow: {current.url}  login: {current.username} / {current.password}", markup=False
        )
    return 0

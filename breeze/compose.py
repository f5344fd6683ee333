"""One compose project behind the engine seam: typed methods over ``docker compose``, results as
dataclasses, errors as ``EngineCommandFailed`` (translated once, by the Engine)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from python_on_whales.components.compose.cli_wrapper import ComposeCLI

    from breeze.engine import Engine

T = TypeVar("T")

SERVICE_LABEL = "com.docker.compose.service"


@dataclass(frozen=True)
class PortBinding:
    host_ip: str
    host_port: str
    container_port: str

    def __str__(self) -> str:
        return f"{self.host_ip}:{self.host_port}->{self.container_port}"


@dataclass(frozen=True)
class ServiceContainer:
    """One container of the project, as `docker inspect` saw it when listed."""

    service: str
    status: str  # created, running, exited, dead, ...
    exit_code: int = 0
    running: bool = False
    restarting: bool = False
    restart_count: int = 0
    health: str = ""  # "" when the service has no healthcheck
    ports: tuple[PortBinding, ...] = ()


def _container(container: Any) -> ServiceContainer:
    state = container.state
    return ServiceContainer(
        service=str(container.config.labels.get(SERVICE_LABEL, "")),
        status=str(state.status or ""),
        exit_code=int(state.exit_code or 0),
        running=bool(state.running),
        restarting=bool(state.restarting),
        restart_count=int(container.restart_count or 0),
        health=str(state.health.status or "") if state.health else "",
        ports=tuple(
            PortBinding(str(b.get("HostIp")), str(b.get("HostPort")), str(port))
            for port, bindings in (container.network_settings.ports or {}).items()
            for b in (bindings or [])
        ),
    )


class ComposeProject:
    """A compose project: its name, files, env file and profiles are fixed by ``Engine.compose_project``.

    ``healthchecks`` (podman, whose own healthcheck scheduler needs systemd: breeze.podmanhealth)
    runs the containers' healthchecks while a command that may wait on them (up, run) is under
    way, and for as long as ``keep_healthchecks()`` is entered."""

    def __init__(
        self,
        engine: Engine,
        compose: ComposeCLI,
        name: str,
        healthchecks: AbstractContextManager[object] | None = None,
    ) -> None:
        self._engine = engine
        self._compose = compose
        self.name = name
        self._healthchecks = healthchecks

    def keep_healthchecks(self) -> AbstractContextManager[object]:
        """Healthchecks run meanwhile (a no-op where the engine runs them itself, as docker does)."""
        return self._healthchecks if self._healthchecks is not None else contextlib.nullcontext()

    def _checked(self, stream: Iterator[T]) -> Iterator[T]:
        with self.keep_healthchecks():
            yield from stream

    def up(self) -> None:
        """Start every service of the active profiles in the background."""
        with self.keep_healthchecks():
            self._engine._call(self._compose.up, detach=True, remove_orphans=True, quiet=True)

    def stream_up(self) -> Iterator[tuple[str, bytes]]:
        """As ``up``, with compose's progress (image pulls, containers) streamed as it happens."""
        return self._checked(
            self._engine._stream(self._compose.up, detach=True, remove_orphans=True, stream_logs=True)
        )

    def down(self, *, volumes: bool) -> None:
        self._engine._call(self._compose.down, remove_orphans=True, volumes=volumes, quiet=True)

    def ps(self, *, all: bool = False) -> list[ServiceContainer]:
        return self._engine._call(lambda: [_container(c) for c in self._compose.ps(all=all)])

    def running_services(self) -> list[str]:
        return sorted(c.service for c in self.ps() if c.running)

    def logs(
        self, services: list[str] | None = None, *, tail: str | None = None, timestamps: bool = False
    ) -> str:
        return str(
            self._engine._call(self._compose.logs, services=services or [], tail=tail, timestamps=timestamps)
        )

    def stream_logs(
        self, services: list[str] | None = None, *, follow: bool = False
    ) -> Iterator[tuple[str, bytes]]:
        return self._engine._stream(self._compose.logs, services=services or [], follow=follow, stream=True)

    def run(self, service: str, command: list[str], *, tty: bool) -> None:
        """A one-off container on the terminal (interactive: its output is not captured)."""
        with self.keep_healthchecks():
            self._engine._call(self._compose.run, service, command, tty=tty, remove=True)

    def stream_run(
        self,
        service: str,
        command: list[str],
        *,
        envs: dict[str, str] | None = None,
        dependencies: bool = True,
    ) -> Iterator[tuple[str, bytes]]:
        """A one-off container whose output is streamed as (stdout|stderr, bytes) pairs."""
        return self._checked(
            self._engine._stream(
                self._compose.run,
                service,
                command,
                tty=False,
                remove=True,
                stream=True,
                dependencies=dependencies,
                envs=envs or {},
            )
        )

    def execute(self, service: str, command: list[str], *, tty: bool) -> str:
        """Run a command in a running service container; its output ("" on a terminal)."""
        return str(self._engine._call(self._compose.execute, service, command, tty=tty) or "")

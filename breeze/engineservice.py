"""The engine seam's calls for long-running service containers (kind's local registry of
`breeze k8s`): a mixin of ``breeze.engine.Engine``, so they go through its ``_call`` (the trace that
prints them under ``--dry-run`` and ``--verbose``, errors translated once) like every docker call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from python_on_whales import DockerClient
from python_on_whales import utils as pow_utils

T = TypeVar("T")


@dataclass(frozen=True)
class ContainerState:
    running: bool
    networks: tuple[str, ...]


class _Seam(Protocol):
    """What the mixin needs of the Engine."""

    @property
    def docker(self) -> DockerClient: ...

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...


class ServiceContainers:
    def container_state(self: _Seam, name: str) -> ContainerState | None:
        """A container's state and networks; None when there is none (a read: runs under --dry-run)."""

        def state() -> ContainerState | None:
            if not self.docker.container.exists(name):
                return None
            found = self.docker.container.inspect(name)
            networks = tuple(found.network_settings.networks or {}) if found.network_settings else ()
            return ContainerState(bool(found.state.running), networks)

        return self._call(state)

    def start_service(self: _Seam, image: str, name: str, publish: list[tuple[str, int]]) -> None:
        """`docker run -d --restart always --name NAME -p HOST:CONTAINER IMAGE`: kept running.

        The argv is built here: python-on-whales' run inspects the new container afterwards, which a
        dry run (whose `docker run` was only printed) does not have; the engine pulls a missing image."""
        ports = [arg for host, port in publish for arg in ("--publish", f"{host}:{port}")]
        argv = ["container", "run", "--detach", "--restart", "always", "--name", name, *ports, image]
        self._call(pow_utils.run, [*self.docker.client_config.docker_cmd, *argv])

    def connect(self: _Seam, network: str, container: str) -> None:
        self._call(self.docker.network.connect, network, container)

    def exec(self: _Seam, container: str, command: list[str]) -> None:
        """Run a command in a running container (a kind node)."""
        self._call(self.docker.container.execute, container, command)

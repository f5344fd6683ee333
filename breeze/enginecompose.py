"""The engine seam's compose clients: Docker's compose CLI against Docker's engine, or, on
podman (4.3 has no `podman compose`), the same CLI pointed with `--host` at podman's API socket
(breeze.podmanservice starts the service when nothing answers), with the containers'
healthchecks run by breeze while compose waits on them (breeze.podmanhealth)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from python_on_whales import DockerClient

from breeze.compose import ComposeProject
from breeze.enginetrace import install_trace
from breeze.errors import EngineError
from breeze.podmanhealth import HealthChecks
from breeze.podmanservice import PODMAN_COMPOSE_FIX, PODMAN_COMPOSE_MISSING, ensure_service

if TYPE_CHECKING:
    from breeze.engine import Engine


def compose_cli(engine: Engine) -> DockerClient:
    """The client whose `compose` breeze runs (its `compose version` needs no engine)."""
    if not engine.is_podman:
        return engine.docker
    if not engine._binary("docker"):
        raise EngineError(PODMAN_COMPOSE_MISSING, fix=PODMAN_COMPOSE_FIX)
    install_trace()
    return DockerClient()


def compose_project(
    engine: Engine, name: str, files: list[str], env_file: str, profiles: list[str]
) -> ComposeProject:
    settings: dict[str, Any] = {
        "compose_files": files,
        "compose_project_name": name,
        "compose_env_files": [env_file],
        "compose_profiles": profiles,
    }
    _ = engine.docker  # the same guard as every other engine call (tests forbid reaching it)
    if not engine.is_podman:
        return ComposeProject(engine, engine._new_client(**settings).compose, name)
    host = ensure_service(engine.console, verbose=engine.verbose, dry_run=engine.dry_run)
    install_trace()
    compose = DockerClient(host=host, **settings).compose
    return ComposeProject(engine, compose, name, None if engine.dry_run else HealthChecks(engine, name))

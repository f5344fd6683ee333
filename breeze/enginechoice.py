"""Which container engine breeze drives: docker or podman.

``BREEZE_ENGINE`` > the project's ``[engine] name`` > what the machine has: docker when its client
and a daemon socket are there, podman when podman is the only engine. Decided before the engine is
made, so it reads only the one key (a project whose other settings are wrong still gets the
engine it asked for, and its config error from the command that loads the whole file)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from breeze.config.files import find_project
from breeze.config.keys import KEYS
from breeze.config.values import Site, resolve
from breeze.errors import ConfigError

_KEY = next(key for key in KEYS if key.id == "engine.name")
DOCKER_SOCKET = Path("/var/run/docker.sock")


def engine_name(project_dir: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    return choice(project_dir, env)[0]


def choice(project_dir: Path | None = None, env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The engine and why (for ``breeze doctor``): BREEZE_ENGINE, the project's config, or found."""
    env = os.environ if env is None else env
    configured = _configured(project_dir, env)
    if configured and env.get("BREEZE_ENGINE"):
        return configured, "BREEZE_ENGINE"
    if configured:
        return configured, "[engine] name in the project's config"
    name = detect(env)
    if name == "podman":
        return name, "found: podman is the only engine here"
    return name, "the default (podman is used only when it is the only engine here)"


def _configured(project_dir: Path | None, env: Mapping[str, str]) -> str | None:
    start = project_dir or (Path(env["BREEZE_PROJECT"]) if env.get("BREEZE_PROJECT") else Path.cwd())
    try:
        root, file, data = find_project(start)
    except ConfigError:  # not in a project (doctor, setup): only the environment decides
        root, file, data = start, start / "breeze.toml", {}
    section = data.get("engine", {})
    value = resolve(_KEY, {"engine": section} if isinstance(section, dict) else {}, file, {}, env)
    result: str | None = _KEY.check(value, Site(root, file))
    return result


def detect(env: Mapping[str, str]) -> str:
    """docker unless podman is the only engine here (no docker client, or no docker daemon)."""
    docker = shutil.which("docker") is not None
    podman = shutil.which("podman") is not None
    if podman and (not docker or not (env.get("DOCKER_HOST") or DOCKER_SOCKET.exists())):
        return "podman"
    return "docker"

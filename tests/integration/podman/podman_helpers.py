"""What the podman tests share: listing and removing what a compose project left in podman."""

from __future__ import annotations

import subprocess

PODMAN_KINDS = (("container", ["ps", "-a"]), ("network", ["network", "ls"]), ("volume", ["volume", "ls"]))
COMPOSE_PROJECT = "com.docker.compose.project"


def engine_lines(engine: str, *args: str) -> list[str]:
    done = subprocess.run([engine, *args], capture_output=True, text=True, check=True)
    return done.stdout.split()


def _labelled(kind: str, listing: list[str], prefix: str) -> list[str]:
    """Names of podman's ``kind`` whose compose project starts with ``prefix``."""
    # `network ls` renders labels as one "k=v,k=v" string; the others as a map.
    labels = "{{.Labels}}" if kind == "network" else '{{index .Labels "' + COMPOSE_PROJECT + '"}}'
    column = "{{.Names}}" if kind == "container" else "{{.Name}}"
    rows = engine_lines("podman", *listing, "--format", f"{column}|{labels}")
    found = []
    for row in rows:
        name, _, label = row.partition("|")
        project = dict(p.partition("=")[::2] for p in label.split(",")).get(COMPOSE_PROJECT, "")
        if (project if kind == "network" else label).startswith(prefix):
            found.append(name)
    return found


def podman_remains(prefix: str) -> list[str]:
    """podman's containers, networks and volumes of compose projects whose name starts with ``prefix``."""
    return [f"{kind}:{name}" for kind, listing in PODMAN_KINDS for name in _labelled(kind, listing, prefix)]


def podman_force_remove(prefix: str) -> None:
    for kind, listing in PODMAN_KINDS:
        names = _labelled(kind, listing, prefix)
        if names:
            subprocess.run(["podman", kind, "rm", "-f", *names], capture_output=True)


def podman_lines(*args: str) -> list[str]:
    return engine_lines("podman", *args)

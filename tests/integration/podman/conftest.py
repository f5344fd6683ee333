"""podman on the real machine: a copy of examples/ whose CI image is in podman's store.

Until `breeze build-image` runs on podman (another branch), ``podman_ci_image`` builds the CI
image with docker and moves it over (`docker save | podman load`); switching to a podman build is
an edit of that one fixture. The postgres stand-in moves over the same way when podman lacks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from podman_helpers import copy_examples, engine_lines, move_to_podman, podman_force_remove, podman_has

from breeze.config import load_project
from breeze.offline import registry
from breeze.stack.params import compose_project_name


@pytest.fixture(scope="session")
def podman_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of examples/ with names of its own; whatever its stacks leave is removed at the end."""
    name = f"breeze-it-podman-{uuid.uuid4().hex[:8]}"
    root = copy_examples(tmp_path_factory.mktemp("podman") / "example", name)
    yield root
    podman_force_remove(compose_project_name(load_project(root)))


@pytest.fixture(scope="session")
def podman_ci_image(podman_project: Path) -> Iterator[str]:
    """The project's CI image in podman's store (built with docker, moved by save/load), and the
    postgres stand-in. Yields the image's name; removes the project's images at the end."""
    name = load_project(podman_project).image_name
    env = {**os.environ, "BREEZE_ENGINE": "docker"}
    built = subprocess.run(
        [sys.executable, "-m", "breeze", "--project", str(podman_project), "build-image"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr[-3000:]
    refs = engine_lines("docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", f"{name}-ci")
    move_to_podman(refs)
    postgres = registry.service_image("postgres", "15")
    if postgres and not podman_has(postgres):
        move_to_podman([postgres])
    yield name
    for engine in ("docker", "podman"):
        found = engine_lines(engine, "image", "ls", "--format", "{{.Repository}}:{{.Tag}}")
        mine = [ref for ref in found if ref.split("/")[-1].startswith(name)]
        if mine:
            subprocess.run([engine, "image", "rm", "-f", *mine], capture_output=True)


@pytest.fixture
def on_podman(monkeypatch: pytest.MonkeyPatch) -> None:
    """breeze drives podman in this test."""
    monkeypatch.setenv("BREEZE_ENGINE", "podman")
    monkeypatch.setenv("CI", "true")


@pytest.fixture
def podman_sibling(podman_project: Path, tmp_path: Path) -> Iterator[Path]:
    """Another copy of the session's project: the same image, a compose project (and volumes) of
    its own, removed at the end of the test."""
    root = tmp_path / "sibling" / "example"
    shutil.copytree(podman_project, root)
    yield root
    podman_force_remove(compose_project_name(load_project(root)))

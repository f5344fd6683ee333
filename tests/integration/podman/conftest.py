"""Both images of examples/ built once per session with podman (rootful, real), for every podman
test: a copy of the example whose breeze.toml says ``[engine] name = "podman"``, so breeze drives
podman while the rest of the session keeps docker.

``podman_project`` (the copy's root) and ``podman_ci_image`` (its image name: the CI image is
``<name>-ci:1.0.0-python3.11``) are what the stack tests (shell, start-airflow, ``breeze tests``)
reuse; ``podman_sibling`` is another copy with the same images and a compose project of its own.
Skipped, not passed, where podman is not installed (scripts/install-podman.sh installs it; .ci/run
does)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from breeze.cli.app import main
from breeze.config import load_project
from breeze.stack.params import compose_project_name
from tests.integration.podman.podman_cli import CA_MARKER, podman
from tests.integration.podman.podman_helpers import podman_force_remove

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"


def image_name(root: Path) -> str:
    return load_project(root).image_name


@pytest.fixture(scope="session")
def podman_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if shutil.which("podman") is None:
        pytest.skip("podman is not installed (scripts/install-podman.sh installs it)")
    root = tmp_path_factory.mktemp("podman") / "example"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    name = f"breeze-pm-{uuid.uuid4().hex[:8]}"
    toml = (root / "breeze.toml").read_text().replace('name = "breeze-example"', f'name = "{name}"')
    (root / "breeze.toml").write_text(toml + '\n[engine]\nname = "podman"\n')
    ca = root.parent / "ca.pem"
    ca.write_text(
        Path(os.environ.get("PIP_CERT", "/etc/ssl/certs/ca-certificates.crt")).read_text()
        + f"# {CA_MARKER}\n"
    )
    _offline_stand_ins(root)
    yield root
    podman_force_remove(compose_project_name(load_project(root)))
    remove_project_images(name)


def remove_project_images(name: str) -> None:
    """Every image of the project, its untagged stage and layer images too (podman labels them all)."""
    for _ in range(3):  # a child first, then its parent: a few rounds, each with what is left
        ids = podman("image", "ls", "-a", "-q", "--filter", f"label=dev.breeze.project={name}").stdout.split()
        if not ids:
            return
        podman("image", "rm", "-f", *dict.fromkeys(ids), check=False)


def _offline_stand_ins(root: Path) -> None:
    """Without a registry, podman needs its own stand-ins of the base images (kept when there)."""
    if subprocess.run(["podman", "image", "exists", "breeze-offline/python:3.11"]).returncode == 0:
        return
    assert main(["--project", str(root), "setup", "offline-images", "--python", "3.11"]) == 0


def _build(root: Path, *args: str) -> None:
    ca = str(root.parent / "ca.pem")
    argv = ["--project", str(root), "build-image", "--python", "3.11", "--ca-bundle", ca, *args]
    assert main(argv) == 0


@pytest.fixture(scope="session")
def podman_ci_image(podman_project: Path) -> str:
    """The example's CI image, built by breeze with podman; its image name (``<name>-ci:...``)."""
    _build(podman_project)
    return image_name(podman_project)


@pytest.fixture(scope="session")
def podman_prod_image(podman_project: Path) -> str:
    """The production image (``<name>:...``); --no-cache, so every RUN mounts the CA secret."""
    _build(podman_project, "--production", "--no-cache")
    return image_name(podman_project)


@pytest.fixture
def on_podman(monkeypatch: pytest.MonkeyPatch) -> None:
    """breeze drives podman in this test (also for copies without the [engine] setting)."""
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

"""Shared by the delivery tests: a real registry, a committed copy of examples/ and its production
image (built once per session, Python 3.11 only), and a DOCKER_CONFIG of the test's own."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from delivery_helpers import git
from registry_server import Registry, available, registry_server

from breeze.cli.app import main
from tests.integration.example_copy import committed_example


@pytest.fixture(autouse=True)
def docker_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Logins of the test, never the user's (~/.docker/config.json stays untouched)."""
    config = tmp_path / "docker-config"
    config.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(config))
    return config


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    why = available()
    if why:
        pytest.fail(why)
    with registry_server(tmp_path / "registry") as server:
        yield server


@pytest.fixture(scope="session")
def delivery_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A git repository holding examples/ (own image name) with its 3.11 production image built."""
    name = f"breeze-it-push-{uuid.uuid4().hex[:8]}"
    root = committed_example(tmp_path_factory.mktemp("delivery") / "example", name)
    assert main(["--project", str(root), "build-image", "--production", "--python", "3.11"]) == 0
    yield root
    refs = subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference=*{name}*"],
        capture_output=True,
        text=True,
    ).stdout.split()
    refs += subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference=*/{name}*"],
        capture_output=True,
        text=True,
    ).stdout.split()
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *set(refs)], capture_output=True)


@pytest.fixture
def built_project(delivery_project: Path) -> Path:
    """The session's project with its 3.11 production image built at HEAD (another test may have
    committed since: an image of an older commit is not pushed)."""
    name = next(
        line.split('"')[1]
        for line in (delivery_project / "breeze.toml").read_text().splitlines()
        if line.startswith("name = ")
    )
    inspected = subprocess.run(
        [
            "docker",
            "image",
            "inspect",
            "--format",
            '{{index .Config.Labels "org.opencontainers.image.revision"}}',
            f"{name}:1.0.0-python3.11",
        ],
        capture_output=True,
        text=True,
    )
    if inspected.stdout.strip() != git(delivery_project, "rev-parse", "HEAD"):
        assert (
            main(["--project", str(delivery_project), "build-image", "--production", "--python", "3.11"]) == 0
        )
    return delivery_project

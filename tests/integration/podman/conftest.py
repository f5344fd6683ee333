"""podman on the real machine: a copy of examples/ whose CI image is in podman's store, and
helpers that list what a project left in podman.

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

from breeze.config import load_project
from breeze.offline import registry
from breeze.stack.params import compose_project_name

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
PODMAN_KINDS = (("container", ["ps", "-a"]), ("network", ["network", "ls"]), ("volume", ["volume", "ls"]))
COMPOSE_PROJECT = "com.docker.compose.project"


def engine_lines(engine: str, *args: str) -> list[str]:
    done = subprocess.run([engine, *args], capture_output=True, text=True, check=True)
    return done.stdout.split()


def copy_examples(target: Path, name: str) -> Path:
    shutil.copytree(
        EXAMPLES, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "test-results")
    )
    toml = target / "breeze.toml"
    text = toml.read_text().replace('[project]\nname = "breeze-example"', f'[project]\nname = "{name}"')
    toml.write_text(text.replace('[image]\nname = "breeze-example"', f'[image]\nname = "{name}"'))
    return target


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


def move_to_podman(refs: list[str]) -> None:
    """`docker save | podman load`: podman names a loaded `name:tag` docker.io/library/name:tag,
    which podman (and compose through its socket) finds under the short name too."""
    save = subprocess.Popen(["docker", "save", *refs], stdout=subprocess.PIPE)
    load = subprocess.run(["podman", "load"], stdin=save.stdout, capture_output=True, text=True)
    save.wait()
    assert save.returncode == 0 and load.returncode == 0, load.stderr


def podman_has(ref: str) -> bool:
    return subprocess.run(["podman", "image", "exists", ref], capture_output=True).returncode == 0


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

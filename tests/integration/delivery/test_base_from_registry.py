"""The path a normal user takes: base images pulled from a registry. The offline stand-in is served
from a real local registry; the build pulls it by digest, keeps it, works while the registry is
down, and notices when the registry's base moves."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from registry_server import registry_server

from breeze.cli.app import main
from breeze.config import load_project
from breeze.context import AppContext
from breeze.images import base_digest
from breeze.images.ensure import ensure_image
from breeze.offline import registry as offline

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]


def docker(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, input=stdin)
    assert done.returncode == 0, done.stderr
    return done.stdout


def base_label(ref: str) -> str:
    labels = json.loads(docker("image", "inspect", ref))[0]["Config"]["Labels"]
    return str(labels["org.opencontainers.image.base.name"])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "example"
    shutil.copytree(REPO / "examples", root, ignore=shutil.ignore_patterns("__pycache__"))
    name = f"breeze-it-base-{uuid.uuid4().hex[:8]}"
    toml = (root / "breeze.toml").read_text().replace('name = "breeze-example"', f'name = "{name}"')
    (root / "breeze.toml").write_text(toml)
    base_digest.forget()
    yield root
    refs = docker(
        "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={name}*"
    ).split()
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)


def test_a_base_from_a_registry_is_pulled_by_digest_cached_and_followed(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stand_in = offline.python_base("3.11")
    if stand_in is None:
        pytest.fail("no offline Python 3.11 stand-in: run `breeze setup offline-images --python 3.11`")
    with registry_server(tmp_path / "registry") as server:
        base = f"{server.host}/library/python:3.11-slim-bookworm"
        monkeypatch.setenv("BREEZE_BASE_IMAGE", f"{server.host}/library/python:{{python}}-slim-bookworm")
        docker("tag", stand_in, base)
        docker("push", "-q", base)
        first = json.loads(docker("buildx", "imagetools", "inspect", "--format", "{{json .Manifest}}", base))
        docker("image", "rm", base)  # the build has to pull it

        argv = ["--project", str(project), "build-image", "--production", "--python", "3.11"]
        assert main(argv) == 0
        ref = load_project(project).image_name + ":1.0.0-python3.11"
        assert base_label(ref) == f"{base}@{first['digest']}"
        assert docker("image", "ls", "-q", base).strip(), "the pulled base is kept"

        # The registry's base moves (a rebuild of the same tag): the image is out of date.
        docker(
            "buildx",
            "build",
            "--load",
            "-t",
            base,
            "-",
            stdin=f"FROM {stand_in}\nLABEL moved={uuid.uuid4().hex}\n",
        )
        docker("push", "-q", base)
        base_digest.forget()
        capsys.readouterr()
        ensure_image(AppContext(answer="no", interactive=False), load_project(project), "prod", "3.11")
        assert "is out of date (build-args changed" in " ".join(capsys.readouterr().err.split())
        assert main(argv) == 0
        moved = json.loads(docker("buildx", "imagetools", "inspect", "--format", "{{json .Manifest}}", base))
        assert moved["digest"] != first["digest"]
        assert base_label(ref) == f"{base}@{moved['digest']}"

    # The registry is gone: the engine's copy of the base still builds (the layer cache, no pull).
    base_digest.forget()
    assert main(argv) == 0
    assert base_label(ref) == f"{base}@{moved['digest']}"

"""--platform for real: the example's production image built for linux/amd64 and linux/arm64 (arm64
under QEMU emulation, on arm64 offline stand-ins), verified under emulation, and pushed as
per-platform images that one manifest list in a local registry joins.

Emulated builds are slow: one production build per platform, shared through session fixtures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from breeze import platforms
from breeze.cli.app import main
from breeze.engine import Engine
from breeze.offline import registry
from tests.integration.images.local_registry import local_registry

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
TAG = "1.0.0-python3.11"
MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout


def image_platform(ref: str) -> str:
    found = json.loads(docker("image", "inspect", ref))[0]
    return f"{found['Os']}/{found['Architecture']}"


@pytest.fixture(scope="session")
def emulation() -> None:
    found = platforms.emulation("linux/arm64")
    if not found.available:
        reason = f"no arm64 emulation here ({found.detail}): run scripts/install-emulation.sh"
        # CI's machine is set up by scripts/bootstrap.sh: missing emulation there is a failure.
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("platforms") / "example"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    name = f"breeze-it-{uuid.uuid4().hex[:8]}"
    toml = (root / "breeze.toml").read_text().replace('name = "breeze-example"', f'name = "{name}"')
    (root / "breeze.toml").write_text(toml)
    yield root
    refs = docker("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={name}*")
    if refs.split():
        subprocess.run(["docker", "image", "rm", "-f", *refs.split()], capture_output=True)


def name_of(project: Path) -> str:
    return next(
        line.split('"')[1]
        for line in (project / "breeze.toml").read_text().splitlines()
        if "breeze-it-" in line
    )


@pytest.fixture(scope="session")
def built(emulation: None, project: Path) -> str:
    """arm64 stand-ins, then the two-platform production build (each platform built once);
    returns the image's usual reference. The summary table shows each platform's build time."""
    started = time.monotonic()
    assert main(["setup", "offline-images", "--platform", "linux/arm64", "--python", "3.11"]) == 0
    standins = time.monotonic() - started
    started = time.monotonic()
    argv = ["--project", str(project), "build-image", "--production", "--python", "3.11"]
    assert main([*argv, "--platform", "linux/amd64,linux/arm64"]) == 0
    print(
        f"\narm64 stand-ins {standins:.1f} s; amd64 + arm64 production builds {time.monotonic() - started:.1f} s"
    )
    return f"{name_of(project)}:{TAG}"


def test_each_platform_is_built_and_tagged_on_its_own(built: str) -> None:
    assert image_platform(f"{built}-linux-amd64") == "linux/amd64"
    assert image_platform(f"{built}-linux-arm64") == "linux/arm64"
    # The machine's own platform also keeps the usual tag, for shell / tests / verify-image.
    assert image_platform(built) == platforms.native()
    arm64_base = registry.load()["python@linux/arm64"]["3.11"]
    labels = json.loads(docker("image", "inspect", f"{built}-linux-arm64"))[0]["Config"]["Labels"]
    assert labels["org.opencontainers.image.base.name"] == arm64_base
    assert docker("run", "--rm", "--entrypoint", "uname", f"{built}-linux-arm64", "-m").strip() == "aarch64"


def test_the_arm64_image_verifies_under_emulation(built: str, project: Path) -> None:
    assert main(["--project", str(project), "verify-image", "--production", "--platform", "linux/arm64"]) == 0


def test_a_two_platform_image_is_one_manifest_list_in_the_registry(
    built: str, project: Path, tmp_path: Path
) -> None:
    from rich.console import Console

    with local_registry(tmp_path) as host:
        remote = f"{host}/team/{built}"
        sources = []
        for platform in ("linux/amd64", "linux/arm64"):
            source = platforms.platform_ref(remote, platform)
            docker("tag", platforms.platform_ref(built, platform), source)
            docker("push", source)
            sources.append(source)
        found = platforms.manifest_list(Engine(Console()), remote, sources)

        assert sorted(found) == ["linux/amd64", "linux/arm64"]
        # The registry's own answer, asked over its HTTP API without any docker tool.
        repository, tag = remote.split("/", 1)[1].rsplit(":", 1)
        request = urllib.request.Request(
            f"http://{host}/v2/{repository}/manifests/{tag}",
            headers={"Accept": f"{MANIFEST_LIST}, {OCI_INDEX}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            index = json.loads(response.read())
        assert index["mediaType"] in (MANIFEST_LIST, OCI_INDEX)
        assert sorted(
            f"{m['platform']['os']}/{m['platform']['architecture']}" for m in index["manifests"]
        ) == [
            "linux/amd64",
            "linux/arm64",
        ]
    for source in sources:
        subprocess.run(["docker", "image", "rm", source], capture_output=True)

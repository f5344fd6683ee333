"""The example's production image built for linux/amd64 and linux/arm64 (arm64 under QEMU
emulation, on arm64 offline stand-ins) from a committed copy of examples/, once per session:
tests/integration/images/ verifies it, tests/integration/delivery/ pushes it.

Emulated builds are slow (minutes), hence one session fixture shared by every test that needs it:
a pytest plugin (tests/conftest.py lists it in ``pytest_plugins``), not a conftest.py, so no second
module named ``conftest`` shadows the others."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from breeze import platforms
from breeze.cli.app import main
from tests.integration.example_copy import committed_example

TWO_PLATFORMS = "linux/amd64,linux/arm64"


@dataclass(frozen=True)
class TwoPlatformImage:
    root: Path  # the project: a git repository, its image built at HEAD
    name: str  # the project's (and image's) name
    ref: str  # the image's usual reference, <name>:1.0.0-python3.11 (the native platform's image)


@pytest.fixture(scope="session")
def arm64_emulation() -> None:
    found = platforms.emulation("linux/arm64")
    if not found.available:
        reason = f"no arm64 emulation here ({found.detail}): run scripts/install-emulation.sh"
        # CI's machine is set up by scripts/bootstrap.sh: missing emulation there is a failure.
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def two_platform_image(
    arm64_emulation: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TwoPlatformImage]:
    """arm64 stand-ins, then `build-image --production --platform linux/amd64,linux/arm64` of a
    committed copy of examples/ under a name of its own (each platform built once)."""
    name = f"breeze-it-{uuid.uuid4().hex[:8]}"
    root = committed_example(tmp_path_factory.mktemp("platforms") / "example", name)
    started = time.monotonic()
    assert main(["setup", "offline-images", "--platform", "linux/arm64", "--python", "3.11"]) == 0
    standins = time.monotonic() - started
    started = time.monotonic()
    argv = ["--project", str(root), "build-image", "--production", "--python", "3.11"]
    assert main([*argv, "--platform", TWO_PLATFORMS]) == 0
    print(
        f"\narm64 stand-ins {standins:.1f} s; amd64 + arm64 production builds {time.monotonic() - started:.1f} s"
    )
    yield TwoPlatformImage(root, name, f"{name}:1.0.0-python3.11")
    listed = subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}"], capture_output=True, text=True
    ).stdout.split()
    # The project's own tags and the registry tags a push gave them (<host>/<name>:...).
    refs = [ref for ref in listed if ref.startswith(f"{name}:") or f"/{name}:" in ref]
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)

"""--platform for real: the example's production image built for linux/amd64 and linux/arm64 (arm64
under QEMU emulation, on arm64 offline stand-ins) and verified under emulation. The build is the
session fixture ``two_platform_image`` (tests/integration/conftest.py), which the push of the
two platforms as one manifest list (tests/integration/delivery/test_push_platforms.py) shares."""

from __future__ import annotations

import json
import subprocess

import pytest

from breeze import platforms
from breeze.cli.app import main
from breeze.offline import registry
from tests.integration.platform_build import TwoPlatformImage

pytestmark = pytest.mark.integration


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout


def image_platform(ref: str) -> str:
    found = json.loads(docker("image", "inspect", ref))[0]
    return f"{found['Os']}/{found['Architecture']}"


def test_each_platform_is_built_and_tagged_on_its_own(two_platform_image: TwoPlatformImage) -> None:
    built = two_platform_image.ref
    assert image_platform(f"{built}-linux-amd64") == "linux/amd64"
    assert image_platform(f"{built}-linux-arm64") == "linux/arm64"
    # The machine's own platform also keeps the usual tag, for shell / tests / verify-image.
    assert image_platform(built) == platforms.native()
    arm64_base = registry.load()["python@linux/arm64"]["3.11"]
    labels = json.loads(docker("image", "inspect", f"{built}-linux-arm64"))[0]["Config"]["Labels"]
    assert labels["org.opencontainers.image.base.name"] == arm64_base
    assert docker("run", "--rm", "--entrypoint", "uname", f"{built}-linux-arm64", "-m").strip() == "aarch64"


def test_the_arm64_image_verifies_under_emulation(two_platform_image: TwoPlatformImage) -> None:
    root = str(two_platform_image.root)
    assert main(["--project", root, "verify-image", "--production", "--platform", "linux/arm64"]) == 0

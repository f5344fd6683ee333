"""breeze push of the example's two-platform production image (linux/amd64 + linux/arm64, built by
the session fixture ``two_platform_image``) to a real registry: one manifest list whose digest
pushed.json records, checked with the engine's imagetools and over the registry's own HTTP API."""

from __future__ import annotations

import io
import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
from registry_server import Registry
from rich.console import Console

from breeze.cli.app import main
from breeze.engine import Engine
from tests.integration.platform_build import TWO_PLATFORMS, TwoPlatformImage

pytestmark = pytest.mark.integration

MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def head(root: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def pushed(root: Path) -> dict:
    return json.loads((root / ".breeze" / "pushed.json").read_text())["images"]["3.11"]


def image_id(ref: str) -> str:
    return subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Id}}", ref], capture_output=True, text=True, check=True
    ).stdout.strip()


def registry_get(host: str, path: str, accept: str) -> dict:
    request = urllib.request.Request(f"http://{host}/v2/{path}", headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.loads(response.read()))


def test_a_two_platform_image_is_pushed_as_one_manifest_list_and_its_digest_recorded(
    two_platform_image: TwoPlatformImage, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    root, name = two_platform_image.root, two_platform_image.name
    unique = f"{head(root)[:12]}-python3.11"
    argv = ["--project", str(root), "push", "--python", "3.11", "--registry", registry.host]

    assert main([*argv, "--platform", TWO_PLATFORMS]) == 0

    record = pushed(root)
    list_ref = f"{registry.host}/{name}:{unique}"
    engine = Engine(Console(file=io.StringIO()))
    assert sorted(engine.manifest_platforms(list_ref)) == ["linux/amd64", "linux/arm64"]
    held = engine.registry_manifest(list_ref)
    assert held is not None and record["digest"] == held.digest
    assert record["reference"] == f"{registry.host}/{name}@{held.digest}"
    assert record["platforms"] == ["linux/amd64", "linux/arm64"] and record["tags"] == [unique]
    assert record["reference"] in capsys.readouterr().out
    # The registry's own answer, by the recorded digest: a list of the two images built here.
    index = registry_get(registry.host, f"{name}/manifests/{held.digest}", f"{MANIFEST_LIST}, {OCI_INDEX}")
    assert index["mediaType"] in (MANIFEST_LIST, OCI_INDEX)
    by_platform = {f"{m['platform']['os']}/{m['platform']['architecture']}": m for m in index["manifests"]}
    assert sorted(by_platform) == ["linux/amd64", "linux/arm64"]
    arm64 = registry_get(
        registry.host,
        f"{name}/manifests/{by_platform['linux/arm64']['digest']}",
        by_platform["linux/arm64"]["mediaType"],
    )
    assert arm64["config"]["digest"] == image_id(f"{two_platform_image.ref}-linux-arm64")
    assert registry.tags(name) == sorted([unique, f"{unique}-linux-amd64", f"{unique}-linux-arm64"])

    # Pushed again without --platform: the two-platform build is found, the same list is already
    # there (no conflict), and the record keeps its digest.
    assert main([*argv, "--release"]) == 0
    assert pushed(root)["digest"] == held.digest
    assert pushed(root)["tags"] == [unique, "1.0.0-python3.11"]
    assert sorted(engine.manifest_platforms(f"{registry.host}/{name}:1.0.0-python3.11")) == [
        "linux/amd64",
        "linux/arm64",
    ]


def test_a_dry_run_two_platform_push_prints_every_step_and_sends_nothing(
    two_platform_image: TwoPlatformImage, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    root, name = two_platform_image.root, two_platform_image.name
    before = (
        (root / ".breeze" / "pushed.json").read_bytes()
        if (root / ".breeze" / "pushed.json").exists()
        else None
    )
    unique = f"{registry.host}/{name}:{head(root)[:12]}-python3.11"
    capsys.readouterr()

    argv = ["--dry-run", "--project", str(root), "push", "--python", "3.11", "--registry", registry.host]
    assert main([*argv, "--platform", TWO_PLATFORMS]) == 0

    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("docker ")]
    assert printed == [
        f"docker image tag {two_platform_image.ref}-linux-amd64 {unique}-linux-amd64",
        f"docker image push {unique}-linux-amd64",
        f"docker image tag {two_platform_image.ref}-linux-arm64 {unique}-linux-arm64",
        f"docker image push {unique}-linux-arm64",
        f"docker buildx imagetools create --tag {unique} {unique}-linux-amd64 {unique}-linux-arm64",
    ]
    with urllib.request.urlopen(f"http://{registry.host}/v2/_catalog", timeout=5) as answer:
        assert json.load(answer)["repositories"] == []
    after = (
        (root / ".breeze" / "pushed.json").read_bytes()
        if (root / ".breeze" / "pushed.json").exists()
        else None
    )
    assert after == before

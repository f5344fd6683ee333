"""breeze build-image / verify-image with podman for real (Debian's podman 4.3.1, rootful): both
images of examples/, their names, labels and build cache, and the CA bundle secret in no layer."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from breeze.cli.app import main
from breeze.paths import cache_dir
from tests.integration.podman.podman_cli import CA_MARKER, podman, podman_image_exists, podman_json

pytestmark = pytest.mark.integration


def test_ci_image_is_built_by_podman_with_breezes_tags_and_labels(podman_ci_image: str) -> None:
    ref = f"{podman_ci_image}-ci:1.0.0-python3.11"
    # podman names a local image localhost/<name>; breeze's short name finds it.
    assert podman_image_exists(f"localhost/{ref}") and podman_image_exists(f"{podman_ci_image}-ci:latest")
    labels = podman_json("image", "inspect", ref)[0]["Labels"]
    assert labels["dev.breeze.managed"] == "true" and labels["dev.breeze.kind"] == "ci"
    assert labels["dev.breeze.project"] == podman_ci_image
    assert labels["io.airflow.version"] == "3.3.2" and labels["dev.breeze.fingerprint"]


def test_ci_image_verifies_on_podman(podman_project: Path, podman_ci_image: str) -> None:
    assert main(["--project", str(podman_project), "verify-image"]) == 0


def test_prod_image_verifies_on_podman(podman_project: Path, podman_prod_image: str) -> None:
    assert podman_image_exists(f"{podman_prod_image}:1.0.0-python3.11")
    assert main(["--project", str(podman_project), "verify-image", "--production"]) == 0


def test_a_rebuild_takes_podmans_layer_cache(podman_project: Path, podman_ci_image: str) -> None:
    assert main(["--project", str(podman_project), "build-image", "--python", "3.11"]) == 0
    log = (cache_dir() / "logs" / f"{podman_ci_image}-ci-python3.11.log").read_text()
    lines = log.splitlines()
    airflow_step = next(i for i, line in enumerate(lines) if "STEP" in line and "apache-airflow" in line)
    assert lines[airflow_step + 1].startswith("--> Using cache"), lines[airflow_step : airflow_step + 3]


def test_ca_bundle_is_in_no_layer_of_the_podman_images(
    podman_project: Path, podman_ci_image: str, podman_prod_image: str, tmp_path: Path
) -> None:
    assert CA_MARKER in (podman_project.parent / "ca.pem").read_text()  # the bundle the builds got
    for ref in (f"{podman_ci_image}-ci:1.0.0-python3.11", f"{podman_prod_image}:1.0.0-python3.11"):
        saved = tmp_path / "image.tar"
        podman("save", "--format", "docker-archive", "-o", str(saved), ref)
        blob = _all_bytes(saved)
        assert b"apache_airflow" in blob  # the scan sees the layers' files
        assert CA_MARKER.encode() not in blob
        history = podman("history", "--no-trunc", ref).stdout + podman("image", "inspect", ref).stdout
        assert CA_MARKER not in history
        probe = podman("run", "--rm", ref, "bash", "-c", "test -e /run/secrets/ca", check=False)
        assert probe.returncode == 1, probe.stderr
        saved.unlink()


def _all_bytes(saved: Path) -> bytes:
    """Every file of every layer in a docker-archive tarball, nested layer tars opened."""
    chunks: list[bytes] = []
    with tarfile.open(saved) as outer:
        for member in outer.getmembers():
            handle = outer.extractfile(member) if member.isfile() else None
            if handle is None:
                continue
            data = handle.read()
            chunks.append(data)
            if member.name.endswith(".tar") or member.name.endswith("/layer.tar"):
                chunks.append(_layer_bytes(data))
    return b"".join(chunks)


def _layer_bytes(data: bytes) -> bytes:
    import io

    chunks = []
    with tarfile.open(fileobj=io.BytesIO(data)) as layer:
        for member in layer.getmembers():
            handle = layer.extractfile(member) if member.isfile() else None
            if handle is not None:
                chunks.append(handle.read())
    return b"".join(chunks)

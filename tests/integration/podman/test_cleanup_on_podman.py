"""breeze cleanup on podman removes breeze's resources (found by label) and nothing else: an
image and a container made here without breeze's labels survive it, as does another project's
image. (Always with --only-project: other work shares this engine.)"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from breeze.cli.app import main
from tests.integration.podman.podman_cli import podman, podman_image_exists

pytestmark = pytest.mark.integration

BASE = "breeze-offline/debian:bookworm"


def _container_exists(name: str) -> bool:
    return podman("container", "exists", name, check=False).returncode == 0


def test_cleanup_removes_only_the_projects_labelled_podman_resources(
    podman_project: Path, podman_ci_image: str, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:8]
    project = f"breeze-pmclean-{run}"
    labels = ["--label", "dev.breeze.managed=true", "--label", f"dev.breeze.project={project}"]
    (tmp_path / "Dockerfile").write_text(f"FROM {BASE}\nRUN echo {run} > /run-id\n")
    theirs, mine = f"pm-theirs-{run}:1", f"{project}-ci:1"
    podman("build", "-q", "-t", mine, *labels, str(tmp_path))
    podman("build", "-q", "-t", theirs, "--label", "made.by=someone-else", str(tmp_path))
    podman("create", "--name", f"{project}-c", *labels, mine, "true")
    podman("create", "--name", f"pm-theirs-{run}-c", theirs, "true")
    try:
        code = main(
            ["--answer", "yes", "--project", str(podman_project), "cleanup", "--only-project", project]
        )

        assert code == 0
        assert not podman_image_exists(mine) and not _container_exists(f"{project}-c")
        assert podman_image_exists(theirs) and _container_exists(f"pm-theirs-{run}-c")
        assert podman_image_exists(f"{podman_ci_image}-ci:1.0.0-python3.11")  # another project's
        assert podman_image_exists(BASE)  # an offline stand-in stays without --offline-images
    finally:
        podman("rm", "-f", f"pm-theirs-{run}-c", f"{project}-c", check=False)
        podman("image", "rm", "-f", theirs, mine, check=False)

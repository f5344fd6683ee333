"""Local stacks on podman (rootful, as root here): `breeze shell -c` writes the mounted project as
its owner; start-airflow on postgres comes up healthy (compose through podman's API socket, the
containers' healthchecks run by breeze) and stopping leaves nothing; `breeze tests` passes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from breeze.cli.app import main

pytestmark = pytest.mark.integration

SCRIPT = "touch dags/made_on_podman.py && mkdir include/made_on_podman && id -u"


@pytest.mark.skipif(os.getuid() != 0, reason="chowning a checkout to another user needs root")
@pytest.mark.usefixtures("on_podman")
def test_the_shell_writes_the_project_as_its_owner(
    podman_project: Path, podman_ci_image: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "checkout"
    shutil.copytree(podman_project, root)
    for path in [root, *root.rglob("*")]:
        os.lchown(path, 1234, 1234)

    code = main(["--project", str(root), "shell", "--command", SCRIPT])
    out, err = capfd.readouterr()

    assert code == 0, out + err[-3000:]
    assert (root / "dags" / "made_on_podman.py").stat().st_uid == 1234
    assert (root / "include" / "made_on_podman").stat().st_uid == 1234
    assert "1234" in out.split()

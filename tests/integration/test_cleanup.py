"""breeze cleanup on the real engine: what carries breeze's label goes, nothing else does.

Scoped with --only-project to a name unique to this test, so the other breeze images on this
machine (the examples', the offline images other tests use) are never candidates."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from breeze.cli.app import main

pytestmark = pytest.mark.integration

BASE = "breeze-offline/debian:bookworm"


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


def exists(kind: str, name: str) -> bool:
    return docker(kind, "inspect", name, check=False).returncode == 0


@pytest.fixture
def resources(tmp_path: Path) -> Iterator[dict[str, str]]:
    if not exists("image", BASE):
        pytest.skip(f"{BASE} is missing: run `breeze setup offline-images`")
    project = f"cleanup-it-{uuid.uuid4().hex[:8]}"
    names = {
        "project": project,
        "image": f"{project}-img:test",
        "labelled": f"{project}-labelled",
        "compose": f"breeze-{project}-0123abcd_db",
        "unlabelled": f"{project}-unlabelled",
        "other": f"breeze-{project}x-0123abcd_db",  # another project's compose volume
    }
    (tmp_path / "Dockerfile").write_text(
        f"FROM {BASE}\nLABEL dev.breeze.managed=true dev.breeze.project={project}\n"
    )
    docker("build", "-q", "-t", names["image"], str(tmp_path))
    docker("volume", "create", "--label", "dev.breeze.managed=true",
           "--label", f"dev.breeze.project={project}", names["labelled"])  # fmt: skip
    docker("volume", "create", "--label", f"com.docker.compose.project=breeze-{project}-0123abcd",
           names["compose"])  # fmt: skip
    docker("volume", "create", "--label", f"com.docker.compose.project=breeze-{project}x-0123abcd",
           names["other"])  # fmt: skip
    docker("volume", "create", names["unlabelled"])
    yield names
    docker("image", "rm", "-f", names["image"], check=False)
    for key in ("labelled", "compose", "unlabelled", "other"):
        docker("volume", "rm", "-f", names[key], check=False)


def test_dry_run_removes_nothing(resources: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--dry-run", "cleanup", "--only-project", resources["project"]])
    out, err = capsys.readouterr()
    assert code == 0
    assert resources["image"] in err and resources["labelled"] in err and resources["compose"] in err
    assert f"docker volume remove {resources['labelled']}" in out
    assert "Dry run: nothing removed." in err
    for kind, key in (("image", "image"), ("volume", "labelled"), ("volume", "compose")):
        assert exists(kind, resources[key])


def test_without_an_answer_nothing_is_removed(
    resources: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("BREEZE_ANSWER", raising=False)
    assert main(["cleanup", "--only-project", resources["project"]]) == 0
    assert "no (default: no terminal" in capsys.readouterr().err
    assert exists("image", resources["image"]) and exists("volume", resources["labelled"])


def test_removes_only_labelled_resources(resources: dict[str, str]) -> None:
    offline_before = docker("image", "ls", "-q", "breeze-offline/*").stdout.split()
    assert main(["--answer", "yes", "cleanup", "--only-project", resources["project"]]) == 0
    assert not exists("image", resources["image"])
    assert not exists("volume", resources["labelled"])
    assert not exists("volume", resources["compose"])
    assert exists("volume", resources["unlabelled"])
    assert exists("volume", resources["other"])
    assert exists("image", BASE)
    assert docker("image", "ls", "-q", "breeze-offline/*").stdout.split() == offline_before
    assert main(["--answer", "yes", "cleanup", "--only-project", resources["project"]]) == 0
